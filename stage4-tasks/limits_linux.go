package main

// maxrssUnit is what ru_maxrss counts in on Linux: KiB.
const maxrssUnit = 1024
