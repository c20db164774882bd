package node

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"golang.org/x/sys/unix"
)

// PodExec is `kube pod-exec --netns NAME [--hostname H] [--mount SRC:DST[:ro]]... [--workdir DIR] -- ARGV...`:
// it joins the pod's network namespace, takes a private mount namespace (and its own UTS
// namespace when --hostname is given), bind-mounts each volume at its path (creating the target
// if missing), changes directory and execs ARGV with the environment it was given.
func PodExec(args []string) int {
	o, err := parsePodExec(args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kube pod-exec:", err)
		return 2
	}
	// Namespaces belong to threads: stay on this one until exec replaces the process.
	runtime.LockOSThread()
	if err := enterPod(o); err != nil {
		fmt.Fprintln(os.Stderr, "kube pod-exec:", err)
		return 127
	}
	err = unix.Exec(o.argv[0], o.argv, os.Environ())
	fmt.Fprintf(os.Stderr, "kube pod-exec: exec %s: %v\n", o.argv[0], err)
	return 127
}

type podExecOptions struct {
	netns    string
	hostname string
	workdir  string
	mounts   []mountSpec
	argv     []string
}

type mountFlag struct{ mounts *[]mountSpec }

func (m mountFlag) String() string { return "" }

func (m mountFlag) Set(v string) error {
	ms, err := parseMount(v)
	if err != nil {
		return err
	}
	*m.mounts = append(*m.mounts, ms)
	return nil
}

// parseMount parses SRC:DST[:ro].
func parseMount(v string) (mountSpec, error) {
	parts := strings.Split(v, ":")
	var m mountSpec
	switch {
	case len(parts) == 2:
		m = mountSpec{src: parts[0], dst: parts[1]}
	case len(parts) == 3 && (parts[2] == "ro" || parts[2] == "rw"):
		m = mountSpec{src: parts[0], dst: parts[1], ro: parts[2] == "ro"}
	default:
		return m, fmt.Errorf("--mount %q: want SRC:DST[:ro]", v)
	}
	if !filepath.IsAbs(m.src) || !filepath.IsAbs(m.dst) {
		return m, fmt.Errorf("--mount %q: paths must be absolute", v)
	}
	return m, nil
}

func parsePodExec(args []string) (*podExecOptions, error) {
	o := &podExecOptions{}
	fs := flag.NewFlagSet("kube pod-exec", flag.ContinueOnError)
	fs.StringVar(&o.netns, "netns", "", "network namespace name under /var/run/netns")
	fs.StringVar(&o.hostname, "hostname", "", "hostname (in a UTS namespace of its own)")
	fs.StringVar(&o.workdir, "workdir", "/", "working directory")
	fs.Var(mountFlag{&o.mounts}, "mount", "SRC:DST[:ro] bind mount (repeatable)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	o.argv = fs.Args()
	if len(o.argv) == 0 {
		return nil, errors.New("no command after --")
	}
	if !filepath.IsAbs(o.argv[0]) {
		return nil, fmt.Errorf("command %q must be an absolute path", o.argv[0])
	}
	return o, nil
}

func enterPod(o *podExecOptions) error {
	if o.netns != "" {
		if strings.ContainsRune(o.netns, '/') {
			return fmt.Errorf("--netns %q: want a name", o.netns)
		}
		fd, err := unix.Open(filepath.Join(netnsDir, o.netns), unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("open netns %s: %w", o.netns, err)
		}
		err = unix.Setns(fd, unix.CLONE_NEWNET)
		unix.Close(fd)
		if err != nil {
			return fmt.Errorf("join netns %s: %w", o.netns, err)
		}
	}
	flags := unix.CLONE_NEWNS
	if o.hostname != "" {
		flags |= unix.CLONE_NEWUTS
	}
	if err := unix.Unshare(flags); err != nil {
		return fmt.Errorf("unshare mount namespace: %w", err)
	}
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("make / private: %w", err)
	}
	if o.hostname != "" {
		if err := unix.Sethostname([]byte(o.hostname)); err != nil {
			return fmt.Errorf("set hostname: %w", err)
		}
	}
	// Resolve every source before the first mount: a volume mounted at a shallow path (an
	// emptyDir at /tmp) must not hide the sources of the mounts after it, as a kubelet
	// resolves its volume paths before it starts the container.
	sources := make([]int, len(o.mounts))
	for i, m := range o.mounts {
		fd, err := unix.Open(m.src, unix.O_PATH|unix.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("mount source: %w", &os.PathError{Op: "open", Path: m.src, Err: err})
		}
		defer unix.Close(fd)
		sources[i] = fd
	}
	for i, m := range o.mounts {
		if err := bindMount(m, sources[i]); err != nil {
			return err
		}
	}
	if err := unix.Chdir(o.workdir); err != nil {
		return fmt.Errorf("chdir %s: %w", o.workdir, err)
	}
	return nil
}

// bindMount binds m.src (already opened as src, an O_PATH descriptor) at m.dst, creating dst
// (a directory, or an empty file when src is a file) if it is missing, and remounts it
// read-only for :ro.
func bindMount(m mountSpec, src int) error {
	var st unix.Stat_t
	if err := unix.Fstat(src, &st); err != nil {
		return fmt.Errorf("mount source: %w", &os.PathError{Op: "stat", Path: m.src, Err: err})
	}
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		if err := os.MkdirAll(m.dst, 0o755); err != nil {
			return fmt.Errorf("create mount point: %w", err)
		}
	} else if _, err := os.Stat(m.dst); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(m.dst), 0o755); err != nil {
			return fmt.Errorf("create mount point: %w", err)
		}
		f, err := os.OpenFile(m.dst, os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return fmt.Errorf("create mount point: %w", err)
		}
		f.Close()
	}
	if err := unix.Mount(fmt.Sprintf("/proc/self/fd/%d", src), m.dst, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("bind %s at %s: %w", m.src, m.dst, err)
	}
	if m.ro {
		if err := unix.Mount("", m.dst, "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY, ""); err != nil {
			return fmt.Errorf("remount %s read-only: %w", m.dst, err)
		}
	}
	return nil
}
