package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// sectionHeading is the heading of the docs section the benchmark owns.
const sectionHeading = "## Peer comparison"

// updateDocs replaces the "## Peer comparison" section of the markdown
// file at path with section (which starts with that heading), leaving
// every other section as it is; the section is appended when missing and
// the file created when it does not exist.
func updateDocs(path, section string) error {
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.WriteFile(path, []byte(replaceSection(string(old), section)), 0o644); err != nil {
		return fmt.Errorf("update %s: %w", path, err)
	}
	return nil
}

// replaceSection returns doc with its "## Peer comparison" section (up to
// the next level-2 heading outside a code block, or the end) replaced by
// section.
func replaceSection(doc, section string) string {
	section = strings.TrimRight(section, "\n") + "\n"
	lines := strings.SplitAfter(doc, "\n")
	start, end := -1, len(lines)
	fenced := false
	for i, l := range lines {
		t := strings.TrimRight(l, "\r\n")
		if strings.HasPrefix(t, "```") {
			fenced = !fenced
		}
		if fenced || !strings.HasPrefix(t, "## ") {
			continue
		}
		if start < 0 && strings.TrimSpace(t) == sectionHeading {
			start = i
		} else if start >= 0 {
			end = i
			break
		}
	}
	if start < 0 {
		if strings.TrimSpace(doc) == "" {
			return section
		}
		return strings.TrimRight(doc, "\n") + "\n\n" + section
	}
	before := strings.Join(lines[:start], "")
	after := strings.Join(lines[end:], "")
	if after != "" {
		section += "\n"
	}
	return before + section + after
}
