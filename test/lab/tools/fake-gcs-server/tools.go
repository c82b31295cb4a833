//go:build tools

// Package tools pins fake-gcs-server (its main package is the module root).
package tools

import _ "github.com/fsouza/fake-gcs-server"
