//go:build tools

// Package deps pins the project's dependencies while the packages that use them are written.
package deps

import (
	_ "github.com/alecthomas/chroma/v2"
	_ "github.com/charmbracelet/bubbles/help"
	_ "github.com/charmbracelet/bubbletea"
	_ "github.com/charmbracelet/glamour"
	_ "github.com/charmbracelet/lipgloss"
	_ "github.com/charmbracelet/x/exp/teatest"
	_ "github.com/stretchr/testify/require"
	_ "github.com/yuin/goldmark"
	_ "go.uber.org/goleak"
	_ "golang.org/x/sys/unix"
)
