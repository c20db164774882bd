package cluster

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// pidPath is D/up.pid, the pid of the kube up serving D, written once the cluster is ready.
func pidPath(dir string) string { return filepath.Join(dir, "up.pid") }

// readPid reads D/up.pid; ok is false when there is none.
func readPid(dir string) (pid int, ok bool, err error) {
	data, err := os.ReadFile(pidPath(dir))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("read %s: %w", pidPath(dir), err)
	}
	pid, err = strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 0 {
		return 0, false, fmt.Errorf("%s holds %q, not a pid", pidPath(dir), strings.TrimSpace(string(data)))
	}
	return pid, true, nil
}

// writePid records this process in D/up.pid.
func writePid(dir string) error {
	return writeFileAtomic(pidPath(dir), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644)
}

// isKubeUp reports whether pid is a live (not zombie) process running `kube up`.
func isKubeUp(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the parenthesised command name, which may itself hold spaces.
	if i := bytes.LastIndexByte(stat, ')'); i < 0 || i+2 >= len(stat) || stat[i+2] == 'Z' || stat[i+2] == 'X' {
		return false
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return false
	}
	argv := strings.Split(strings.TrimRight(string(cmdline), "\x00"), "\x00")
	return isKubeUpArgv(argv)
}

// isKubeUpArgv reports whether argv is `.../kube up ...` (or a binary named up, hyperkube style).
func isKubeUpArgv(argv []string) bool {
	if len(argv) == 0 {
		return false
	}
	base := filepath.Base(argv[0])
	if base == "up" {
		return true
	}
	return strings.HasPrefix(base, "kube") && len(argv) > 1 && argv[1] == "up"
}

// dirLock is an exclusive flock on D/up.lock, held by the kube up serving D for its lifetime
// and released by the kernel however that process ends.
type dirLock struct{ f *os.File }

// lockDir takes D/up.lock without waiting; it fails when another kube up holds it.
func lockDir(dir string) (*dirLock, error) {
	path := filepath.Join(dir, "up.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close() //nolint:errcheck // the lock error is the one to report
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errAlreadyRunning(dir)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return &dirLock{f: f}, nil
}

func (l *dirLock) release() { l.f.Close() } //nolint:errcheck // closing drops the lock

// errAlreadyRunning names the kube up already serving dir, if up.pid says which.
func errAlreadyRunning(dir string) error {
	if pid, ok, _ := readPid(dir); ok && isKubeUp(pid) {
		return fmt.Errorf("a cluster is already running in %s (kube up pid %d); stop it with: kube down --dir %s", dir, pid, dir)
	}
	return fmt.Errorf("another kube up is starting or running in %s (it holds %s)", dir, filepath.Join(dir, "up.lock"))
}
