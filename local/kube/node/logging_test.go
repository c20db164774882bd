package node

import "testing"

func TestFirstLine(t *testing.T) {
	in := "conflict\nerror while updating pod status in kubernetes\ngithub.com/x/y.(*T).f\n\t/src/y.go:295\nruntime.goexit\n\truntime/asm.s:1"
	if got := firstLine(in); got != "conflict: error while updating pod status in kubernetes" {
		t.Errorf("firstLine = %q", got)
	}
	if got := firstLine("plain"); got != "plain" {
		t.Errorf("firstLine = %q", got)
	}
}
