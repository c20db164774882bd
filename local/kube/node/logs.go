package node

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/virtual-kubelet/virtual-kubelet/errdefs"
	"github.com/virtual-kubelet/virtual-kubelet/node/api"
)

// Container output goes to D/node/pods/<uid>/logs/<container>/<run>.log, one file per run
// (run n is the run after n restarts). The kubelet API's containerLogs handler (and so
// `kubectl logs [-f] [--previous] [--tail N] [--limit-bytes N]`) reads them.

func logPath(podDir, container string, run int32) string {
	return filepath.Join(podDir, "logs", container, strconv.Itoa(int(run))+".log")
}

// GetContainerLogs implements the kubelet API's container log endpoint.
func (p *provider) GetContainerLogs(ctx context.Context, namespace, podName, containerName string, opts api.ContainerLogOpts) (io.ReadCloser, error) {
	r := p.lookup(namespace, podName)
	if r == nil {
		return nil, errdefs.NotFoundf("pod %s/%s is not running on this node", namespace, podName)
	}
	path, done, err := r.logTarget(containerName, opts.Previous)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, errdefs.NotFoundf("no log for container %q in pod %s/%s", containerName, namespace, podName)
		}
		return nil, fmt.Errorf("open container log: %w", err)
	}
	if opts.Tail > 0 {
		off, err := tailOffset(f, opts.Tail)
		if err != nil {
			f.Close()
			return nil, err
		}
		if _, err := f.Seek(off, io.SeekStart); err != nil {
			f.Close()
			return nil, fmt.Errorf("seek container log: %w", err)
		}
	}
	var rd io.Reader = f
	if opts.Follow && done != nil {
		rd = &followReader{ctx: ctx, f: f, done: done}
	}
	if opts.LimitBytes > 0 {
		rd = io.LimitReader(rd, int64(opts.LimitBytes))
	}
	return readCloser{Reader: rd, Closer: f}, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// followReader reads a growing file until the run that writes it has ended (then to EOF) or
// the request goes away.
type followReader struct {
	ctx  context.Context
	f    *os.File
	done <-chan struct{}
}

func (r *followReader) Read(b []byte) (int, error) {
	for {
		n, err := r.f.Read(b)
		if n > 0 || (err != nil && !errors.Is(err, io.EOF)) {
			return n, err
		}
		select {
		case <-r.done:
			// The writer is gone: whatever is left has been read (or is read now).
			n, err := r.f.Read(b)
			if n > 0 {
				return n, nil
			}
			if err == nil {
				err = io.EOF
			}
			return 0, err
		case <-r.ctx.Done():
			return 0, io.EOF
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// tailOffset finds where the last n lines of f begin (a trailing newline ends the last line).
func tailOffset(f *os.File, n int) (int64, error) {
	st, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("stat container log: %w", err)
	}
	size := st.Size()
	if size == 0 {
		return 0, nil
	}
	const chunk = 32 << 10
	buf := make([]byte, chunk)
	pos := size
	newlines := 0
	first := true
	for pos > 0 {
		start := max(pos-chunk, 0)
		b := buf[:pos-start]
		if _, err := f.ReadAt(b, start); err != nil && !errors.Is(err, io.EOF) {
			return 0, fmt.Errorf("read container log: %w", err)
		}
		if first && len(b) > 0 && b[len(b)-1] == '\n' {
			b = b[:len(b)-1] // the final newline ends the last line, it does not start one
		}
		first = false
		for i := len(b) - 1; i >= 0; i-- {
			if b[i] == '\n' {
				newlines++
				if newlines == n {
					return start + int64(i) + 1, nil
				}
			}
		}
		pos = start
	}
	return 0, nil
}
