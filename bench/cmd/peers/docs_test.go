package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestReplaceSection(t *testing.T) {
	const sec = "## Peer comparison\n\nnew tables\n"
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{"empty file", "", sec},
		{"appended", "# Performance\n\n## Mask\n\nmask tables\n", "# Performance\n\n## Mask\n\nmask tables\n\n" + sec},
		{
			"replaced in the middle",
			"# P\n\n## Mask\n\nm\n\n## Peer comparison\n\nold\n\n### sub\n\nold too\n\n## UTF-8\n\nu\n",
			"# P\n\n## Mask\n\nm\n\n" + sec + "\n## UTF-8\n\nu\n",
		},
		{
			"replaced at the end",
			"# P\n\n## Peer comparison\n\nold\n",
			"# P\n\n" + sec,
		},
		{
			"heading inside a code block is not a section end",
			"## Peer comparison\n\nold\n```\n## not a heading\n```\nold\n## Next\n",
			sec + "\n## Next\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := replaceSection(tc.doc, sec); got != tc.want {
				t.Errorf("replaceSection(%q) =\n%q\nwant\n%q", tc.doc, got, tc.want)
			}
		})
	}
}

func TestUpdateDocs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "performance.md")
	const sec = "## Peer comparison\n\nfirst\n"
	if err := updateDocs(path, sec); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("# Performance\n\n## Mask\n\nm\n\n"+sec), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := updateDocs(path, "## Peer comparison\n\nsecond\n"); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "# Performance\n\n## Mask\n\nm\n\n## Peer comparison\n\nsecond\n"
	if string(got) != want {
		t.Errorf("file =\n%q\nwant\n%q", got, want)
	}
}

func TestRelPath(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "bench", "results"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Join(dir, "bench"))
	got, err := relPath("../docs", "results/x.md")
	if want := filepath.Join("..", "bench", "results", "x.md"); err != nil || got != want {
		t.Errorf("relPath = %q, %v; want %q", got, err, want)
	}
}
