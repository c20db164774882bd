package cluster

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
)

// Pod CIDRs are 10.244.N.0/24 with N in [podNetMin, podNetMax].
const (
	podNetMin = 10
	podNetMax = 250
)

// choosePodCIDR picks 10.244.N.0/24 with N derived from the directory's hash, moving on to the
// next N (wrapping within the range) while the candidate overlaps one of the host's networks.
func choosePodCIDR(dir string, hostNets []*net.IPNet) (*net.IPNet, error) {
	sum, err := hex.DecodeString(dirHash(dir)[:8])
	if err != nil {
		return nil, fmt.Errorf("hash %s: %w", dir, err)
	}
	span := podNetMax - podNetMin + 1
	start := int(binary.BigEndian.Uint32(sum) % uint32(span))
	for i := range span {
		n := podNetMin + (start+i)%span
		cidr := &net.IPNet{IP: net.IPv4(10, 244, byte(n), 0).To4(), Mask: net.CIDRMask(24, 32)}
		if !overlapsAny(cidr, hostNets) {
			return cidr, nil
		}
	}
	return nil, fmt.Errorf("every 10.244.N.0/24 with N in %d..%d overlaps a host address or route", podNetMin, podNetMax)
}

// overlapsAny reports whether cidr shares an address with one of nets.
func overlapsAny(cidr *net.IPNet, nets []*net.IPNet) bool {
	for _, n := range nets {
		if n.Contains(cidr.IP) || cidr.Contains(n.IP) {
			return true
		}
	}
	return false
}

// hostNetworks lists the IPv4 networks in use on this host: every interface address (with its
// prefix) and every route except default routes, which would overlap everything.
func hostNetworks() ([]*net.IPNet, error) {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil, fmt.Errorf("list interface addresses: %w", err)
	}
	var nets []*net.IPNet
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil {
			nets = append(nets, &net.IPNet{IP: n.IP.To4().Mask(n.Mask), Mask: n.Mask})
		}
	}
	f, err := os.Open("/proc/net/route")
	if errors.Is(err, os.ErrNotExist) {
		return nets, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read routes: %w", err)
	}
	defer f.Close() //nolint:errcheck // read-only
	routes, err := parseProcRoutes(f)
	if err != nil {
		return nil, fmt.Errorf("read routes from /proc/net/route: %w", err)
	}
	return append(nets, routes...), nil
}

// parseProcRoutes reads the IPv4 routing table in /proc/net/route's format (destination and
// mask as little-endian hex), leaving out default routes.
func parseProcRoutes(r io.Reader) ([]*net.IPNet, error) {
	var nets []*net.IPNet
	sc := bufio.NewScanner(r)
	header := true
	for sc.Scan() {
		if header {
			header = false
			continue
		}
		fields := strings.Fields(sc.Text())
		if len(fields) < 8 {
			continue
		}
		dst, err := procHexIPv4(fields[1])
		if err != nil {
			return nil, fmt.Errorf("destination %q: %w", fields[1], err)
		}
		mask, err := procHexIPv4(fields[7])
		if err != nil {
			return nil, fmt.Errorf("mask %q: %w", fields[7], err)
		}
		if ones, _ := net.IPMask(mask).Size(); ones == 0 {
			continue
		}
		nets = append(nets, &net.IPNet{IP: dst.Mask(net.IPMask(mask)), Mask: net.IPMask(mask)})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return nets, nil
}

// procHexIPv4 decodes an address as /proc/net/route prints it: 8 hex digits, little-endian.
func procHexIPv4(s string) (net.IP, error) {
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, err
	}
	if len(b) != 4 {
		return nil, fmt.Errorf("want 4 bytes, got %d", len(b))
	}
	return net.IPv4(b[3], b[2], b[1], b[0]).To4(), nil
}
