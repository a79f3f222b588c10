package report

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"gitlab.com/mlgate/mlgate/internal/forge"
	"gitlab.com/mlgate/mlgate/internal/gate"
)

// Forge is where a report is posted: GitLab or GitHub.
type Forge interface {
	// SetStatus sets one commit status; it returns an error a user can act
	// on (naming the token's missing scope or role on 401/403).
	SetStatus(ctx context.Context, s forge.CommitStatus) error
	// UpsertComment edits the one comment whose body contains marker, or
	// creates it when there is none.
	UpsertComment(ctx context.Context, marker, body string) (forge.Comment, error)
}

// ImageUploader is a Forge that can host images for its comments (GitLab's
// project uploads). UploadImage returns the relative URL to link.
type ImageUploader interface {
	UploadImage(ctx context.Context, filename string, png []byte) (string, error)
}

// PostOptions say what to post besides the report.
type PostOptions struct {
	Markdown MarkdownOptions
	// StatusURL is the target of every commit status (the job's URL).
	StatusURL string
	// NoComment posts statuses only (outside a merge request); the
	// reason is printed.
	NoComment string
	// MaxComment is the forge's limit on a comment's length in
	// characters (GitLab: 1,000,000; GitHub: 65,536). 0: no limit.
	MaxComment int
	// Charts uploads PNG charts when the forge can host images.
	Charts bool
	// Log receives one line per action; nil discards them.
	Log io.Writer
}

// Posted says what Post did.
type Posted struct {
	Statuses  int
	Images    int
	Comment   *forge.Comment
	Truncated bool
}

// Post sets a pending commit status per gate, uploads the charts (when the
// forge hosts images), creates or edits the one comment marked with
// Marker(r.Name), and sets each gate's final status. A failure to set the
// statuses or upload a chart does not stop the comment; every error is
// returned joined.
func Post(ctx context.Context, f Forge, r *gate.Report, o PostOptions) (Posted, error) {
	var p Posted
	logf := func(format string, a ...any) {
		if o.Log != nil {
			fmt.Fprintf(o.Log, format+"\n", a...)
		}
	}
	// statuses sets one status per gate. It stops at the first error: a
	// token or network problem affects every gate alike, and one message
	// says it.
	statuses := func(pending bool) error {
		for _, g := range r.Gates {
			s := forge.CommitStatus{Name: "mlgate/" + g.Gate, State: statusState(g.Status), Description: g.Summary, TargetURL: o.StatusURL}
			if pending {
				s.State, s.Description = forge.Pending, "mlgate is posting the report"
			}
			if err := f.SetStatus(ctx, s); err != nil {
				return fmt.Errorf("commit status %s: %w", s.Name, err)
			}
			if !pending {
				p.Statuses++
				logf("commit status %s: %s", s.Name, g.Status)
			}
		}
		return nil
	}
	var errs []error
	// A token that may comment but not set statuses (GitLab's Reporter
	// role) still gets the comment posted.
	statusErr := statuses(true)
	if statusErr != nil {
		errs = append(errs, statusErr)
	}
	if o.NoComment != "" {
		logf("no comment: %s", o.NoComment)
	} else {
		md := o.Markdown
		if up, ok := f.(ImageUploader); ok && o.Charts {
			imgs, err := uploadCharts(ctx, up, r)
			if err != nil {
				errs = append(errs, err)
			}
			md.Images = imgs
			p.Images = len(imgs)
			if len(imgs) > 0 {
				logf("uploaded %d charts", len(imgs))
			}
		}
		body, truncated := fit(r, md, o.MaxComment)
		p.Truncated = truncated
		c, err := f.UpsertComment(ctx, Marker(r.Name), body)
		if err != nil {
			errs = append(errs, fmt.Errorf("comment: %w", err))
		} else {
			p.Comment = &c
			verb := "edited"
			if c.Created {
				verb = "created"
			}
			logf("%s comment %d %s", verb, c.ID, c.URL)
			if truncated {
				logf("the report is longer than the forge's limit of %d characters: the comment keeps the summary and links the HTML report", o.MaxComment)
			}
		}
	}
	if statusErr == nil {
		if err := statuses(false); err != nil {
			errs = append(errs, err)
		}
	}
	return p, errors.Join(errs...)
}

// uploadCharts renders every chart as PNG and uploads it, stopping at the
// first failed upload; the map is keyed by ChartKey.
func uploadCharts(ctx context.Context, up ImageUploader, r *gate.Report) (map[string]string, error) {
	imgs := map[string]string{}
	var errs []error
	for _, g := range r.Gates {
		for i, c := range g.Charts {
			if i >= maxChartsPerGate {
				break
			}
			b, err := PNG(c)
			if err != nil {
				errs = append(errs, fmt.Errorf("chart %q of gate %s: %w", c.Title, g.Gate, err))
				continue
			}
			name := fmt.Sprintf("mlgate-%s-%d.png", g.Gate, i+1)
			url, err := up.UploadImage(ctx, name, b)
			if err != nil {
				// The next upload would fail alike (token, network).
				errs = append(errs, fmt.Errorf("upload %s: %w", name, err))
				return imgs, errors.Join(errs...)
			}
			imgs[ChartKey(g.Gate, i)] = url
		}
	}
	return imgs, errors.Join(errs...)
}

// maxChartsPerGate bounds the images a comment shows per gate; the HTML
// report has all of them.
const maxChartsPerGate = 6

// ChartKey names chart i of a gate in MarkdownOptions.Images.
func ChartKey(gate string, i int) string { return fmt.Sprintf("%s/%d", gate, i) }

// fit renders the comment within limit characters: the full report when
// it fits, else the summary with a link to the HTML report, cut at a rune
// boundary as a last resort.
func fit(r *gate.Report, o MarkdownOptions, limit int) (string, bool) {
	full := Markdown(r, o)
	if limit <= 0 || utf8.RuneCountInString(full) <= limit {
		return full, false
	}
	short := SummaryMarkdown(r, o)
	if utf8.RuneCountInString(short) <= limit {
		return short, true
	}
	return truncateRunes(short, limit), true
}

// truncateRunes cuts s to at most n runes, ending with "…" when cut.
func truncateRunes(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)
	return strings.TrimRightFunc(string(rs[:n-1]), func(r rune) bool { return r == ' ' }) + "…"
}

// statusState is the commit status state of a gate's status: failed for
// a failure, skipped for a skip, success for a pass or a warning.
func statusState(s gate.Status) forge.State {
	switch s {
	case gate.Fail:
		return forge.Failed
	case gate.Skip:
		return forge.Skipped
	}
	return forge.Success
}

func oneLineText(s string) string { return strings.Join(strings.Fields(s), " ") }
