package node

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func TestRepository(t *testing.T) {
	for in, want := range map[string]string{
		"busybox":                          "busybox",
		"busybox:1.36":                     "busybox",
		"ghcr.io/flotilla-dev/flotilla:v1": "ghcr.io/flotilla-dev/flotilla",
		"localhost:5000/app":               "localhost:5000/app",
		"localhost:5000/app:tag":           "localhost:5000/app",
		"ghcr.io/x/y@sha256:" + strings.Repeat("a", 64):   "ghcr.io/x/y",
		"ghcr.io/x/y:1@sha256:" + strings.Repeat("a", 64): "ghcr.io/x/y",
	} {
		if got := repository(in); got != want {
			t.Errorf("repository(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLoadImagesAndLookup(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "images.yaml")
	if err := os.WriteFile(path, []byte("images:\n  ghcr.io/flotilla-dev/flotilla: [/usr/bin/node, /repo/cli.js]\n  python: /usr/bin/python3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := loadImages(path)
	if err != nil {
		t.Fatal(err)
	}
	if argv, ok := m.lookup("ghcr.io/flotilla-dev/flotilla:latest"); !ok || strings.Join(argv, " ") != "/usr/bin/node /repo/cli.js" {
		t.Errorf("lookup flotilla = %v %v", argv, ok)
	}
	if argv, ok := m.lookup("docker.io/library/python:3.12"); !ok || argv[0] != "/usr/bin/python3" {
		t.Errorf("lookup normalized python = %v %v", argv, ok)
	}
	if _, ok := m.lookup("busybox"); ok {
		t.Error("busybox should not be mapped")
	}
	if m, err := loadImages(filepath.Join(dir, "missing.yaml")); err != nil || len(m) != 0 {
		t.Errorf("missing file = %v, %v; want empty map", m, err)
	}
	if err := os.WriteFile(path, []byte("images:\n  x: {a: b}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := loadImages(path); err == nil {
		t.Error("want an error for a map entry")
	}
}

func TestContainerArgv(t *testing.T) {
	m := imageMap{"app": {"/opt/app/bin", "--serve"}}
	c := &corev1.Container{Image: "app:1", Args: []string{"-v"}}
	argv, err := containerArgv(c, m, "/d/images.yaml", "/usr/bin:/bin")
	if err != nil || strings.Join(argv, " ") != "/opt/app/bin --serve -v" {
		t.Errorf("mapped argv = %v, %v", argv, err)
	}
	c = &corev1.Container{Image: "unmapped", Command: []string{"sh", "-c"}, Args: []string{"echo hi"}}
	argv, err = containerArgv(c, m, "/d/images.yaml", "/usr/bin:/bin")
	if err != nil || argv[0] != "/usr/bin/sh" && argv[0] != "/bin/sh" || argv[2] != "echo hi" {
		t.Errorf("command argv = %v, %v", argv, err)
	}
	c = &corev1.Container{Image: "ghcr.io/nope/nope:1"}
	_, err = containerArgv(c, m, "/d/images.yaml", "/usr/bin:/bin")
	var nm *imageNotMappedError
	if !errors.As(err, &nm) || !strings.Contains(err.Error(), "/d/images.yaml") || !strings.Contains(err.Error(), "ghcr.io/nope/nope") {
		t.Errorf("unmapped error = %v", err)
	}
	c = &corev1.Container{Command: []string{"no-such-command-xyz"}}
	if _, err := containerArgv(c, m, "", "/usr/bin:/bin"); err == nil {
		t.Error("want an error for a command not on PATH")
	}
}
