package node

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestTailOffset(t *testing.T) {
	path := filepath.Join(t.TempDir(), "0.log")
	cases := []struct {
		content string
		n       int
		want    string
	}{
		{"a\nb\nc\n", 2, "b\nc\n"},
		{"a\nb\nc\n", 1, "c\n"},
		{"a\nb\nc\n", 5, "a\nb\nc\n"},
		{"a\nb\nc", 1, "c"},
		{"", 3, ""},
	}
	for _, c := range cases {
		if err := os.WriteFile(path, []byte(c.content), 0o644); err != nil {
			t.Fatal(err)
		}
		f, _ := os.Open(path)
		off, err := tailOffset(f, c.n)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got := c.content[off:]; got != c.want {
			t.Errorf("tail %d of %q = %q, want %q", c.n, c.content, got, c.want)
		}
	}
}

func TestFollowReader(t *testing.T) {
	path := filepath.Join(t.TempDir(), "0.log")
	if err := os.WriteFile(path, []byte("one\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(path)
	defer f.Close()
	done := make(chan struct{})
	go func() {
		time.Sleep(300 * time.Millisecond)
		w, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		w.WriteString("two\n")
		w.Close()
		close(done)
	}()
	data, err := io.ReadAll(&followReader{ctx: context.Background(), f: f, done: done})
	if err != nil || string(data) != "one\ntwo\n" {
		t.Errorf("followed %q, %v", data, err)
	}
}
