// Tools module for the velero binary (CLI and server in one). Velero's own go.mod replaces kopia
// with its fork; `go install` refuses replace lines, so this module repeats it.
module lifeboat.local/lab/tools/velero

go 1.26.0

toolchain go1.26.8

require github.com/vmware-tanzu/velero v1.18.3

replace github.com/kopia/kopia => github.com/project-velero/kopia v0.0.0-20251230033609-d946b1e75197

// The module proxy refuses k8s.io/cli-runtime v0.33.12 (403 "not available"); v0.33.13 is the next patch
// release of the same minor line and is served.
replace k8s.io/cli-runtime => k8s.io/cli-runtime v0.33.13
