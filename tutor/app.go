package main

import "io"

func startTUI(e env, opts options, stderr io.Writer) int { return 0 }

func docsCommand(args []string, stdout, stderr io.Writer) int { return 0 }
