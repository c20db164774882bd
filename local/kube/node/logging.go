package node

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
)

// oneLineHandler keeps log records on one line: virtual-kubelet logs errors made with
// github.com/pkg/errors, whose %+v formatting appends a stack trace to every message.
type oneLineHandler struct{ slog.Handler }

func (h oneLineHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, firstLine(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(trimAttr(a))
		return true
	})
	return h.Handler.Handle(ctx, out)
}

func (h oneLineHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	trimmed := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		trimmed[i] = trimAttr(a)
	}
	return oneLineHandler{h.Handler.WithAttrs(trimmed)}
}

func (h oneLineHandler) WithGroup(name string) slog.Handler {
	return oneLineHandler{h.Handler.WithGroup(name)}
}

func trimAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, firstLine(v.String()))
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, firstLine(err.Error()))
		}
		if s, ok := v.Any().(fmt.Stringer); ok {
			return slog.String(a.Key, firstLine(s.String()))
		}
	}
	return a
}

// firstLine drops a trailing stack trace: everything from the first line that is a Go frame
// (a function name followed by a tab-indented file:line).
func firstLine(s string) string {
	if i := strings.Index(s, "\n"); i >= 0 {
		lines := strings.Split(s, "\n")
		keep := lines[:1]
		for j := 1; j < len(lines); j++ {
			if strings.HasPrefix(lines[j], "\t") || (j+1 < len(lines) && strings.HasPrefix(lines[j+1], "\t")) {
				break
			}
			keep = append(keep, lines[j])
		}
		return strings.Join(keep, ": ")
	}
	return s
}
