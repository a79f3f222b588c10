package gitlab

import (
	"context"
	"errors"
	"fmt"
	"strings"

	gl "gitlab.com/gitlab-org/api/client-go"
)

// MaxNoteLength is GitLab's limit on a note's body, in characters.
const MaxNoteLength = 1_000_000

// MergeRequest names a merge request of a project.
type MergeRequest struct {
	Project string // id or full path (CI_PROJECT_ID)
	IID     int64  // CI_MERGE_REQUEST_IID
}

func (mr MergeRequest) String() string {
	return fmt.Sprintf("merge request !%d of project %s", mr.IID, mr.Project)
}

// Note is a note GitLab created or edited.
type Note struct {
	ID      int64
	Created bool
}

// FindNote returns the id of the first note (oldest first) of the merge
// request whose body contains marker, reading every page of notes; 0 when
// there is none. System notes are skipped.
func FindNote(ctx context.Context, c *gl.Client, mr MergeRequest, marker string) (int64, error) {
	orderBy, sort := "created_at", "asc"
	opt := &gl.ListMergeRequestNotesOptions{ListOptions: gl.ListOptions{PerPage: 100}, OrderBy: &orderBy, Sort: &sort}
	for n, err := range gl.Scan2(func(p gl.PaginationOptionFunc) ([]*gl.Note, *gl.Response, error) {
		return c.Notes.ListMergeRequestNotes(mr.Project, mr.IID, opt, p, gl.WithContext(ctx))
	}) {
		if err != nil {
			return 0, apiError(respOf(err), err, "list notes of "+mr.String(), noteAccess)
		}
		if !n.System && strings.Contains(n.Body, marker) {
			return n.ID, nil
		}
	}
	return 0, nil
}

// UpsertNote edits the note carrying marker, or creates one, so that a
// merge request has exactly one note per report however many pipelines
// run. body must contain marker.
func UpsertNote(ctx context.Context, c *gl.Client, mr MergeRequest, marker, body string) (Note, error) {
	if !strings.Contains(body, marker) {
		return Note{}, fmt.Errorf("note body lacks its marker %q", marker)
	}
	id, err := FindNote(ctx, c, mr, marker)
	if err != nil {
		return Note{}, err
	}
	if id != 0 {
		_, resp, err := c.Notes.UpdateMergeRequestNote(mr.Project, mr.IID, id, &gl.UpdateMergeRequestNoteOptions{Body: &body}, gl.WithContext(ctx))
		err = apiError(resp, err, fmt.Sprintf("edit note %d on %s", id, mr), noteAccess)
		if err == nil {
			return Note{ID: id}, nil
		}
		// Deleted between listing and editing: post a new one.
		if !errors.Is(err, ErrNotFound) {
			return Note{}, err
		}
	}
	n, resp, err := c.Notes.CreateMergeRequestNote(mr.Project, mr.IID, &gl.CreateMergeRequestNoteOptions{Body: &body}, gl.WithContext(ctx))
	if err != nil {
		return Note{}, apiError(resp, err, "create a note on "+mr.String(), noteAccess)
	}
	return Note{ID: n.ID, Created: true}, nil
}

// noteAccess is what a token needs to read and write notes.
const noteAccess = "a project access token with scope api and at least the Reporter role"
