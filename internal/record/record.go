// Package record defines the NDJSON records the pb tools exchange and a
// streaming codec for them.
//
// Every record is one JSON object on one line with a "type" field. Field
// names are snake_case and match the columns of the SQLite schema
// (schema/forum.sql); timestamps are integer milliseconds since the epoch.
// The JSON Schema of every type lives in schema/<type>.json and is the
// contract between the tools.
//
// Optional entity fields are pointers so that a partial record (a row of
// the members list) can be told apart from an explicit zero, and pb-load can
// complete a row without erasing what an earlier record said.
package record

import "encoding/json"

// Record type names, the value of the "type" field.
const (
	TypeURL          = "url"
	TypePage         = "page"
	TypeLink         = "link"
	TypeOutcome      = "outcome"
	TypeCategory     = "category"
	TypeBoard        = "board"
	TypeModerator    = "moderator"
	TypeThread       = "thread"
	TypePost         = "post"
	TypeLike         = "like"
	TypePoll         = "poll"
	TypePollOption   = "poll_option"
	TypePollVoter    = "poll_voter"
	TypeUser         = "user"
	TypeShoutboxPost = "shoutbox_post"
	TypeImage        = "image"
	TypeAvatar       = "avatar"
	TypeUserField    = "user_field"
)

// Types lists every record type, in the order the schema documents them.
var Types = []string{
	TypeURL, TypePage, TypeLink, TypeOutcome,
	TypeCategory, TypeBoard, TypeModerator, TypeThread, TypePost, TypeLike,
	TypePoll, TypePollOption, TypePollVoter, TypeUser, TypeShoutboxPost,
	TypeImage, TypeAvatar, TypeUserField,
}

// Page kinds: what a URL points at, which decides the parser.
const (
	KindHome    = "home"    // "/": categories, boards, shoutbox, smileys, favicon, stylesheet
	KindBoard   = "board"   // "/board/N/slug?page=K"
	KindThread  = "thread"  // "/thread/N/slug?page=K"
	KindMembers = "members" // "/members?page=K"
	KindUser    = "user"    // "/user/N"
	KindCSS     = "css"     // a theme stylesheet: background and banner images
)

// Special user ids. Registered users have positive ProBoards ids; everyone
// else gets a negative id so that no post ever loses its author.
const (
	// DeletedUserID is the author of posts whose account was deleted
	// (div.deleted-mini-profile), as in wertercatt's scraper.
	DeletedUserID int64 = -1
	// StaffUserID is ProBoards staff, whose user link points to
	// support.proboards.com instead of /user/N.
	StaffUserID int64 = -3
)

// Outcome statuses.
const (
	OutcomeDone   = "done"
	OutcomeFailed = "failed"
)

// Image descriptions other than "smiley <code>".
const (
	ImageAvatar     = "avatar"
	ImageFavicon    = "favicon"
	ImageBackground = "background"
	ImageBanner     = "banner"
	ImagePost       = "post image"
)

// URL asks for one page to be fetched. pb-urls writes it, pb-fetch reads it.
type URL struct {
	Type string `json:"type"`
	// URL is the canonical absolute URL; it is the crawl key together with Render.
	URL string `json:"url"`
	// Kind is the page kind (Kind* constants); empty means "infer from the URL".
	Kind string `json:"kind,omitempty"`
	// Render asks for the page to be loaded in headless Chromium with its
	// JavaScript modal opened (poll voters, moderators, likers).
	Render bool `json:"render,omitempty"`
}

// Page is the result of fetching a URL. pb-fetch writes it, pb-parse reads it.
type Page struct {
	Type string `json:"type"`
	// URL is the requested URL, unchanged, so the outcome matches the crawl entry.
	URL string `json:"url"`
	// FinalURL is the URL after redirects; relative links resolve against it.
	FinalURL string `json:"final_url,omitempty"`
	Kind     string `json:"kind,omitempty"`
	// Render repeats the request's render flag; Rendered says whether a browser really rendered it.
	Render   bool `json:"render,omitempty"`
	Rendered bool `json:"rendered"`
	// Status is the HTTP status of the last attempt (0 when no response arrived).
	Status      int    `json:"status"`
	ContentType string `json:"content_type,omitempty"`
	// FetchedAt is when the final response arrived, in ms since the epoch.
	FetchedAt int64 `json:"fetched_at"`
	// Attempts counts requests made for this page, retries included.
	Attempts int `json:"attempts"`
	// Body is the response body decoded to UTF-8.
	Body string `json:"body"`
	// Error is set when the page could not be fetched; Body is then unreliable.
	Error string `json:"error,omitempty"`

	// What a web archive (WARC) needs besides the body, see schema/page.json.

	// HTTPVersion is the response's protocol, "HTTP/1.1".
	HTTPVersion string `json:"http_version,omitempty"`
	// RemoteAddr is the IP address of the server that answered.
	RemoteAddr string `json:"remote_addr,omitempty"`
	// Headers are the final response's headers (Set-Cookie left out).
	Headers map[string][]string `json:"headers,omitempty"`
	// RequestMethod and RequestHeaders describe the final request; only
	// headers that cannot carry a secret are kept (no Cookie, no Authorization).
	RequestMethod  string              `json:"request_method,omitempty"`
	RequestHeaders map[string][]string `json:"request_headers,omitempty"`
	// Redirects are the redirect responses followed before the final one.
	Redirects []Redirect `json:"redirects,omitempty"`
}

// Redirect is one followed redirect hop of a page record.
type Redirect struct {
	URL       string              `json:"url"`
	Status    int                 `json:"status"`
	Location  string              `json:"location,omitempty"`
	FetchedAt int64               `json:"fetched_at,omitempty"`
	Headers   map[string][]string `json:"headers,omitempty"`
}

// Link is a page discovered by a parser, to be added to the crawl frontier.
type Link struct {
	Type   string `json:"type"`
	URL    string `json:"url"`
	Kind   string `json:"kind,omitempty"`
	Render bool   `json:"render,omitempty"`
	// From is the URL of the page the link was found on.
	From string `json:"from,omitempty"`
}

// Outcome closes one parsed page: pb-load marks the crawl entry done (or
// counts a failed attempt) in the same transaction as the page's entities.
type Outcome struct {
	Type   string `json:"type"`
	URL    string `json:"url"`
	Kind   string `json:"kind,omitempty"`
	Render bool   `json:"render,omitempty"`
	// Status is OutcomeDone or OutcomeFailed.
	Status string `json:"status"`
	// Reason says why the page failed.
	Reason string `json:"reason,omitempty"`
	// Warnings name the selectors that found nothing on an otherwise parsed page.
	Warnings   []string `json:"warnings,omitempty"`
	HTTPStatus int      `json:"http_status,omitempty"`
	// Entities counts the entity records parsed from the page.
	Entities  int   `json:"entities"`
	FetchedAt int64 `json:"fetched_at,omitempty"`
	// Thread pages list what they showed, so pb-load can mark posts that
	// vanished since an earlier crawl: ThreadID, the ids of every post on
	// the page in order, and whether it is the thread's first or last page.
	ThreadID  int64   `json:"thread_id,omitempty"`
	PostIDs   []int64 `json:"post_ids,omitempty"`
	FirstPage bool    `json:"first_page,omitempty"`
	LastPage  bool    `json:"last_page,omitempty"`
}

// Category is a forum category (`<a name="category-N">`).
type Category struct {
	Type string  `json:"type"`
	ID   int64   `json:"id"`
	Name *string `json:"name,omitempty"`
}

// Board is a board or sub-board.
type Board struct {
	Type              string  `json:"type"`
	ID                int64   `json:"id"`
	CategoryID        *int64  `json:"category_id,omitempty"`
	Description       *string `json:"description,omitempty"`
	Name              *string `json:"name,omitempty"`
	ParentID          *int64  `json:"parent_id,omitempty"`
	PasswordProtected *bool   `json:"password_protected,omitempty"`
	URL               *string `json:"url,omitempty"`
}

// Moderator says a user moderates a board.
type Moderator struct {
	Type    string `json:"type"`
	BoardID int64  `json:"board_id"`
	UserID  int64  `json:"user_id"`
}

// Thread is a thread's metadata. The creator is UserID, or GuestName for a guest.
type Thread struct {
	Type         string  `json:"type"`
	ID           int64   `json:"id"`
	Announcement *bool   `json:"announcement,omitempty"`
	BoardID      *int64  `json:"board_id,omitempty"`
	Locked       *bool   `json:"locked,omitempty"`
	Sticky       *bool   `json:"sticky,omitempty"`
	Title        *string `json:"title,omitempty"`
	URL          *string `json:"url,omitempty"`
	UserID       *int64  `json:"user_id,omitempty"`
	GuestName    *string `json:"guest_name,omitempty"`
	Views        *int64  `json:"views,omitempty"`
}

// Post is one post. The author is UserID (positive, DeletedUserID or
// StaffUserID) or GuestName; the last editor likewise EditUserID or EditGuestName.
type Post struct {
	Type          string  `json:"type"`
	ID            int64   `json:"id"`
	Date          *int64  `json:"date,omitempty"`
	EditUserID    *int64  `json:"edit_user_id,omitempty"`
	EditGuestName *string `json:"edit_guest_name,omitempty"`
	LastEdited    *int64  `json:"last_edited,omitempty"`
	// Message is the inner HTML of div.message.
	Message   *string `json:"message,omitempty"`
	ThreadID  *int64  `json:"thread_id,omitempty"`
	URL       *string `json:"url,omitempty"`
	UserID    *int64  `json:"user_id,omitempty"`
	GuestName *string `json:"guest_name,omitempty"`
	// StaffName is the display name of a ProBoards staff author (UserID is StaffUserID).
	StaffName *string `json:"staff_name,omitempty"`
}

// Like says a user liked a post.
type Like struct {
	Type   string `json:"type"`
	PostID int64  `json:"post_id"`
	UserID int64  `json:"user_id"`
}

// Poll is a thread's poll; its id is the thread id.
type Poll struct {
	Type string  `json:"type"`
	ID   int64   `json:"id"`
	Name *string `json:"name,omitempty"`
}

// PollOption is one answer of a poll with its vote count.
type PollOption struct {
	Type   string  `json:"type"`
	ID     int64   `json:"id"`
	PollID int64   `json:"poll_id"`
	Name   *string `json:"name,omitempty"`
	Votes  *int64  `json:"votes,omitempty"`
}

// PollVoter says a user voted in a poll (ProBoards does not say for what).
type PollVoter struct {
	Type   string `json:"type"`
	PollID int64  `json:"poll_id"`
	UserID int64  `json:"user_id"`
}

// User is a member profile, possibly partial (a members-list row).
type User struct {
	Type           string  `json:"type"`
	ID             int64   `json:"id"`
	Age            *int64  `json:"age,omitempty"`
	Birthdate      *string `json:"birthdate,omitempty"`
	DateRegistered *int64  `json:"date_registered,omitempty"`
	Email          *string `json:"email,omitempty"`
	// InstantMessengers is "AIM:name;ICQ:123", in page order.
	InstantMessengers *string `json:"instant_messengers,omitempty"`
	Gender            *string `json:"gender,omitempty"`
	Group             *string `json:"group,omitempty"`
	LastOnline        *int64  `json:"last_online,omitempty"`
	LatestStatus      *string `json:"latest_status,omitempty"`
	Location          *string `json:"location,omitempty"`
	Name              *string `json:"name,omitempty"`
	PostCount         *int64  `json:"post_count,omitempty"`
	// Signature is the inner HTML of the signature box.
	Signature  *string `json:"signature,omitempty"`
	URL        *string `json:"url,omitempty"`
	Username   *string `json:"username,omitempty"`
	Website    *string `json:"website,omitempty"`
	WebsiteURL *string `json:"website_url,omitempty"`
}

// ShoutboxPost is one shoutbox message.
type ShoutboxPost struct {
	Type      string  `json:"type"`
	ID        int64   `json:"id"`
	Date      *int64  `json:"date,omitempty"`
	Message   *string `json:"message,omitempty"`
	UserID    *int64  `json:"user_id,omitempty"`
	GuestName *string `json:"guest_name,omitempty"`
}

// Image is an image to archive, keyed by URL. Parsers fill URL and
// Description; pb-images adds Filename, MD5Hash, Size and the download status.
type Image struct {
	Type        string `json:"type"`
	URL         string `json:"url"`
	Description string `json:"description,omitempty"`
	// Filename is "<md5>.<ext>" inside the images folder.
	Filename *string `json:"filename,omitempty"`
	MD5Hash  *string `json:"md5_hash,omitempty"`
	Size     *int64  `json:"size,omitempty"`
	// Status is "ok" or why there is no file: "http 404", "not an image", "too large", an error.
	Status *string `json:"status,omitempty"`
	// HTTPStatus is the status code of the download, when one was answered.
	HTTPStatus *int `json:"http_status,omitempty"`
	// PostID is the post an embedded image was found in.
	PostID *int64 `json:"post_id,omitempty"`
	// FetchedAt is when pb-images downloaded the URL, in ms since the epoch:
	// records naming the same download share it, so pb-load counts one
	// attempt per download however many records carry it.
	FetchedAt *int64 `json:"fetched_at,omitempty"`
}

// Avatar links a user to their avatar image, by the image's URL.
type Avatar struct {
	Type   string `json:"type"`
	UserID int64  `json:"user_id"`
	URL    string `json:"url"`
}

// UserField is the whole set of one user's custom profile fields, as the
// profile shows them (rows tr.custom-field-NAME of its info table, and rows
// with labels pb does not know). It is a set record: loading it replaces
// the user's stored fields, so a field gone from the profile disappears.
// An empty Fields says the profile has none.
type UserField struct {
	Type   string        `json:"type"`
	UserID int64         `json:"user_id"`
	Fields []CustomField `json:"fields"`
}

// CustomField is one custom profile field: the label without its colon and
// the value cell's text.
type CustomField struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// MarshalJSON writes Fields as [] rather than null when there are none.
func (u UserField) MarshalJSON() ([]byte, error) {
	type plain UserField
	if u.Fields == nil {
		u.Fields = []CustomField{}
	}
	return json.Marshal(plain(u))
}

// Ptr returns a pointer to v; handy for filling optional fields.
func Ptr[T any](v T) *T { return &v }
