package node

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
)

// forwarder relays TCP from the bridge address to the API server on loopback, so pods (which
// only reach the bridge) can use in-cluster configuration.
type forwarder struct {
	ln     net.Listener
	target string
	log    *slog.Logger
	wg     sync.WaitGroup
}

func startForwarder(listen, target string, log *slog.Logger) (*forwarder, error) {
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, fmt.Errorf("listen for the API forwarder on %s: %w", listen, err)
	}
	f := &forwarder{ln: ln, target: target, log: log}
	f.wg.Add(1)
	go f.serve()
	return f, nil
}

func (f *forwarder) serve() {
	defer f.wg.Done()
	for {
		c, err := f.ln.Accept()
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				f.log.Warn("API forwarder accept", "error", err)
			}
			return
		}
		go f.relay(c)
	}
}

func (f *forwarder) relay(c net.Conn) {
	defer c.Close()
	u, err := net.Dial("tcp", f.target)
	if err != nil {
		f.log.Warn("API forwarder dial", "target", f.target, "error", err)
		return
	}
	defer u.Close()
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		if tc, ok := dst.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
		done <- struct{}{}
	}
	go pipe(u, c)
	go pipe(c, u)
	<-done
	<-done
}

// Close stops accepting (open connections end with their peers).
func (f *forwarder) Close() error {
	err := f.ln.Close()
	f.wg.Wait()
	return err
}
