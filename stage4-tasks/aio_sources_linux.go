// Linux's part of aio_sources.go.

package main

import "golang.org/x/sys/unix"

// bindNoPort tells the kernel that a bind of fd sets its source address
// only; the port is chosen at connect (Linux 4.2).
func bindNoPort(fd int) error {
	return unix.SetsockoptInt(fd, unix.IPPROTO_IP, unix.IP_BIND_ADDRESS_NO_PORT, 1)
}
