//go:build tools

// Keeps the flannel module in go.mod and go.sum: the build compiles its main package.
package tools

import _ "github.com/flannel-io/flannel"
