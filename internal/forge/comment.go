package forge

// Comment is the result of posting a sticky comment (a GitLab note, a
// GitHub issue comment): the one comment whose body carries a marker line
// is edited, or created when there is none.
type Comment struct {
	ID      int64
	Created bool // false: an existing comment was edited
	URL     string
}
