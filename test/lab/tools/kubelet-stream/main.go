// Command kubelet-stream serves the streaming half of the lab's process kubelet: exec, attach and
// port-forward, spoken with the real kubelet's streaming packages (k8s.io/cri-streaming, the code
// a kubelet's CRI streaming server runs) so the API server's pods/exec and pods/portforward proxy
// talks to it exactly as it talks to a kubelet (SPDY and WebSocket).
//
// It owns the kubelet port (TLS, client certificates from the cluster CA, as a kubelet requires)
// and asks the TypeScript kubelet (test/lab/kubelet.ts, on a loopback HTTP port) how to reach a
// pod: the argv prefix that puts a command inside the pod's "container" (bubblewrap with the pod's
// volumes and image files) and its environment, or the local address a container port is served
// on. Every other request (container logs, healthz) is proxied to the TypeScript kubelet.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"k8s.io/cri-streaming/pkg/streaming/portforward"
	"k8s.io/cri-streaming/pkg/streaming/remotecommand"
	utilexec "k8s.io/utils/exec"
)

var backend *url.URL

// execTarget is what the TypeScript kubelet answers for /lab/exec.
type execTarget struct {
	Argv []string `json:"argv"` // prefix: the command is appended
	Env  []string `json:"env"`
	Dir  string   `json:"dir"`
}

// forwardTarget is what it answers for /lab/portforward.
type forwardTarget struct {
	Address string `json:"address"`
}

func ask(path string, q url.Values, out any) error {
	u := *backend
	u.Path = path
	u.RawQuery = q.Encode()
	resp, err := http.Get(u.String())
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s", strings.TrimSpace(string(body)))
	}
	return json.Unmarshal(body, out)
}

type runtime struct{ namespace string }

func (r runtime) ExecInContainer(ctx context.Context, name, uid, container string, cmd []string, in io.Reader, out, errw io.WriteCloser, tty bool, resize <-chan remotecommand.TerminalSize, timeout time.Duration) error {
	var t execTarget
	if err := ask("/lab/exec", url.Values{"namespace": {r.namespace}, "pod": {name}, "container": {container}}, &t); err != nil {
		return err
	}
	argv := append(append([]string{}, t.Argv...), cmd...)
	c := exec.CommandContext(ctx, argv[0], argv[1:]...)
	c.Env = t.Env
	c.Dir = t.Dir
	c.Stdin = in
	c.Stdout = out
	c.Stderr = errw
	if out == nil {
		c.Stdout = io.Discard
	}
	if errw == nil {
		c.Stderr = c.Stdout
	}
	log.Printf("exec %s/%s/%s: %q", r.namespace, name, container, cmd)
	err := c.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return utilexec.ExitErrorWrapper{ExitError: ee}
	}
	return err
}

func (r runtime) AttachContainer(ctx context.Context, name, uid, container string, in io.Reader, out, errw io.WriteCloser, tty bool, resize <-chan remotecommand.TerminalSize) error {
	return fmt.Errorf("attach is not supported by the lab's process kubelet; use logs or exec")
}

func (r runtime) PortForward(ctx context.Context, name, uid string, port int32, stream io.ReadWriteCloser) error {
	defer stream.Close()
	var t forwardTarget
	if err := ask("/lab/portforward", url.Values{"namespace": {r.namespace}, "pod": {name}, "port": {strconv.Itoa(int(port))}}, &t); err != nil {
		return err
	}
	conn, err := net.DialTimeout("tcp", t.Address, 5*time.Second)
	if err != nil {
		return fmt.Errorf("pod %s/%s port %d (%s): %v", r.namespace, name, port, t.Address, err)
	}
	defer conn.Close()
	done := make(chan struct{}, 2)
	go func() { io.Copy(conn, stream); conn.(*net.TCPConn).CloseWrite(); done <- struct{}{} }()
	go func() { io.Copy(stream, conn); done <- struct{}{} }()
	select {
	case <-done:
		<-done
	case <-ctx.Done():
	}
	return nil
}

// splitPath takes /exec/ns/pod[/uid]/container or /portForward/ns/pod[/uid].
func splitPath(p string) []string { return strings.Split(strings.Trim(p, "/"), "/") }

const idle = 4 * time.Hour
const streamCreation = 30 * time.Second

func handle(w http.ResponseWriter, req *http.Request, proxy *httputil.ReverseProxy) {
	parts := splitPath(req.URL.Path)
	switch {
	case len(parts) >= 4 && (parts[0] == "exec" || parts[0] == "attach"):
		ns, pod, container := parts[1], parts[2], parts[len(parts)-1]
		opts, err := remotecommand.NewOptions(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if parts[0] == "attach" {
			remotecommand.ServeAttach(w, req, runtime{ns}, pod, "", container, opts, idle, streamCreation, remotecommand.SupportedStreamingProtocols)
			return
		}
		remotecommand.ServeExec(w, req, runtime{ns}, pod, "", container, req.URL.Query()["command"], opts, idle, streamCreation, remotecommand.SupportedStreamingProtocols)
	case len(parts) >= 3 && parts[0] == "portForward":
		ns, pod := parts[1], parts[2]
		opts, err := portforward.NewV4Options(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		portforward.ServePortForward(w, req, runtime{ns}, pod, "", opts, idle, streamCreation, portforward.SupportedProtocols)
	default:
		proxy.ServeHTTP(w, req)
	}
}

func main() {
	listen := flag.String("listen", "", "host:port of the kubelet port")
	cert := flag.String("cert", "", "serving certificate")
	key := flag.String("key", "", "serving key")
	clientCA := flag.String("client-ca", "", "CA that signs the API server's kubelet client certificate")
	backendURL := flag.String("backend", "", "the TypeScript kubelet's loopback URL")
	flag.Parse()
	var err error
	if backend, err = url.Parse(*backendURL); err != nil || *listen == "" {
		log.Fatalf("usage: kubelet-stream --listen H:P --cert F --key F --client-ca F --backend URL")
	}
	pem, err := os.ReadFile(*clientCA)
	if err != nil {
		log.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	proxy := httputil.NewSingleHostReverseProxy(backend)
	proxy.FlushInterval = -1 // follow=true logs stream as they are written
	srv := &http.Server{
		Addr:      *listen,
		Handler:   http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handle(w, r, proxy) }),
		TLSConfig: &tls.Config{ClientCAs: pool, ClientAuth: tls.VerifyClientCertIfGiven, MinVersion: tls.VersionTLS12},
	}
	log.Printf("kubelet streaming on %s, backend %s", *listen, backend)
	log.Fatal(srv.ListenAndServeTLS(*cert, *key))
}
