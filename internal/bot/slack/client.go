package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/forge"
)

// Client calls Slack's Web API. It does not retry: mlbot's outbox does,
// durably. Errors wrap forge.ErrPermanent when Slack refuses the call
// (invalid_auth, channel_not_found…); rate limits, 5xx and network errors
// are retryable.
type Client struct {
	api       *slack.Client
	hc        *http.Client
	roles     map[bot.Role]*bot.RoleMembers
	dashboard string
	ttl       time.Duration
	now       func() time.Time

	mu     sync.Mutex
	groups map[string]groupEntry
}

type groupEntry struct {
	members []string
	at      time.Time
}

// New returns a client for the slack section of the config.
func New(c *bot.SlackConfig, hc *http.Client) *Client {
	opts := []slack.Option{slack.OptionHTTPClient(hc)}
	if c.APIURL != "" {
		u := c.APIURL
		if u[len(u)-1] != '/' {
			u += "/"
		}
		opts = append(opts, slack.OptionAPIURL(u))
	}
	return &Client{api: slack.New(c.BotToken, opts...), hc: hc, roles: c.Roles, dashboard: c.DashboardURL,
		ttl: c.GroupCacheTTL, now: time.Now, groups: map[string]groupEntry{}}
}

// requestEvent is the event_type of the metadata a request's message
// carries ({"request_id": "42"}): a retry finds the message an earlier
// attempt posted by it (FindApproval).
const requestEvent = "mlbot_request"

// PostApproval posts a proposal's message and returns its channel and ts.
// The message carries the request's id as message metadata.
func (c *Client) PostApproval(ctx context.Context, channel string, a bot.Approval) (string, string, error) {
	text, blocks := ApprovalBlocks(a, c.dashboard)
	meta := slack.SlackMetadata{EventType: requestEvent, EventPayload: map[string]any{"request_id": strconv.FormatInt(a.ID, 10)}}
	ch, ts, err := c.api.PostMessageContext(ctx, channel, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...),
		slack.MsgOptionMetadata(meta))
	if err != nil {
		return "", "", classify(fmt.Errorf("chat.postMessage to %s: %w", channel, err))
	}
	return ch, ts, nil
}

// maxHistoryPages bounds FindApproval: at most this many pages of
// historyPage messages, the channel's newest first back to the request's
// creation.
const (
	maxHistoryPages = 5
	historyPage     = 200
)

// errHistoryTooLong says FindApproval read maxHistoryPages pages without
// reaching the request's creation.
var errHistoryTooLong = errors.New("more messages since the request than the search reads")

// FindApproval looks in channel (an ID) for the message of request id
// posted at or after since, by its metadata (conversations.history with
// include_all_metadata, which needs the channels:history scope, or
// groups:history for a private channel). It returns the message's ts, or
// "" when there is none; errHistoryTooLong when the channel had more
// messages since than it reads.
func (c *Client) FindApproval(ctx context.Context, channel string, id int64, since time.Time) (string, error) {
	want := strconv.FormatInt(id, 10)
	// Slack's clock and ours may differ by a little: look a minute further back.
	oldest := strconv.FormatFloat(float64(since.Add(-time.Minute).UnixMicro())/1e6, 'f', 6, 64)
	cursor := ""
	for range maxHistoryPages {
		h, err := c.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
			ChannelID: channel, Oldest: oldest, Limit: historyPage, Cursor: cursor, IncludeAllMetadata: true})
		if err != nil {
			return "", classify(fmt.Errorf("conversations.history of %s: %w", channel, err))
		}
		for _, m := range h.Messages {
			if m.Metadata.EventType == requestEvent && fmt.Sprint(m.Metadata.EventPayload["request_id"]) == want {
				return m.Timestamp, nil
			}
		}
		if !h.HasMore || h.ResponseMetaData.NextCursor == "" {
			return "", nil
		}
		cursor = h.ResponseMetaData.NextCursor
	}
	return "", errHistoryTooLong
}

// UpdateApproval rewrites a posted proposal's message from its state.
func (c *Client) UpdateApproval(ctx context.Context, a bot.Approval) error {
	text, blocks := ApprovalBlocks(a, c.dashboard)
	_, _, _, err := c.api.UpdateMessageContext(ctx, a.Channel, a.TS, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
	if err != nil {
		return classify(fmt.Errorf("chat.update %s/%s: %w", a.Channel, a.TS, err))
	}
	return nil
}

// Reply posts text in the thread of the message at channel/ts, or as a
// new message when ts is empty.
func (c *Client) Reply(ctx context.Context, channel, ts, text string) error {
	opts := []slack.MsgOption{slack.MsgOptionText(text, false)}
	if ts != "" {
		opts = append(opts, slack.MsgOptionTS(ts))
	}
	if _, _, err := c.api.PostMessageContext(ctx, channel, opts...); err != nil {
		return classify(fmt.Errorf("chat.postMessage to %s: %w", channel, err))
	}
	return nil
}

// GroupMembers returns the members of a user group, from the cache when
// fetched less than the TTL ago.
func (c *Client) GroupMembers(ctx context.Context, group string) ([]string, error) {
	c.mu.Lock()
	e, ok := c.groups[group]
	c.mu.Unlock()
	if ok && c.now().Sub(e.at) < c.ttl {
		return e.members, nil
	}
	m, err := c.api.GetUserGroupMembersContext(ctx, group)
	if err != nil {
		return nil, classify(fmt.Errorf("usergroups.users.list %s: %w", group, err))
	}
	c.mu.Lock()
	c.groups[group] = groupEntry{members: m, at: c.now()}
	c.mu.Unlock()
	return m, nil
}

// HasRole reports whether user holds role: listed among its users, or a
// member of one of its groups. view is held by anyone who holds another
// role too.
func (c *Client) HasRole(ctx context.Context, user string, role bot.Role) (bool, error) {
	ok, err := c.hasRole(ctx, user, role)
	if ok || err != nil || role != bot.RoleView {
		return ok, err
	}
	for _, r := range bot.Roles {
		if r == bot.RoleView {
			continue
		}
		if ok, err := c.hasRole(ctx, user, r); ok || err != nil {
			return ok, err
		}
	}
	return false, nil
}

func (c *Client) hasRole(ctx context.Context, user string, role bot.Role) (bool, error) {
	m := c.roles[role]
	if m == nil {
		return false, nil
	}
	if slices.Contains(m.Users, user) {
		return true, nil
	}
	for _, g := range m.Groups {
		members, err := c.GroupMembers(ctx, g)
		if err != nil {
			return false, err
		}
		if slices.Contains(members, user) {
			return true, nil
		}
	}
	return false, nil
}

// classify marks Slack's refusals permanent; a rate limit, a 5xx and a
// network error stay retryable.
func classify(err error) error {
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return err
	}
	var se slack.StatusCodeError
	if errors.As(err, &se) {
		return forge.ClassifyHTTP(se.Code, err)
	}
	var sr slack.SlackErrorResponse
	if errors.As(err, &sr) {
		switch sr.Err {
		case "ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout":
			return err
		}
		return forge.Permanent(err)
	}
	return err
}

// Respond answers a command or a click through its response_url with an
// ephemeral message.
func (c *Client) Respond(ctx context.Context, responseURL, text string) error {
	err := slack.PostWebhookCustomHTTPContext(ctx, responseURL, c.hc, &slack.WebhookMessage{Text: text, ResponseType: slack.ResponseTypeEphemeral})
	if err != nil {
		// The URL answers on behalf of the app: keep it out of errors.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return classify(fmt.Errorf("response_url: %w", err))
	}
	return nil
}
