package cluster

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/pflag"
)

// Down stops the cluster running in a directory: SIGTERM to the kube up named by D/up.pid,
// then wait until it has exited (it stops its components first).
//
//	kube down --dir D [--timeout 30s]
func Down(args []string) int {
	fs := pflag.NewFlagSet("down", pflag.ContinueOnError)
	dir := fs.String("dir", "", "cluster directory (required)")
	timeout := fs.Duration("timeout", 30*time.Second, "how long to wait for the cluster to stop")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "kube down: --dir is required")
		return 2
	}
	if err := down(*dir, *timeout); err != nil {
		fmt.Fprintf(os.Stderr, "kube down: %v\n", err)
		return 1
	}
	return 0
}

func down(dir string, timeout time.Duration) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("cluster directory %s: %w", dir, err)
	}
	pid, ok, err := readPid(dir)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("no cluster is running in %s (no up.pid)", dir)
	}
	if !isKubeUp(pid) {
		return fmt.Errorf("no cluster is running in %s (up.pid names pid %d, which is not a running kube up)", dir, pid)
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		return fmt.Errorf("signal kube up (pid %d): %w", pid, err)
	}
	deadline := time.Now().Add(timeout)
	for isKubeUp(pid) {
		if time.Now().After(deadline) {
			return fmt.Errorf("kube up (pid %d) still running %s after SIGTERM; its logs are in %s",
				pid, timeout, filepath.Join(dir, "logs"))
		}
		time.Sleep(100 * time.Millisecond)
	}
	return nil
}
