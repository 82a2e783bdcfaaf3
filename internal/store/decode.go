package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unicode"

	"github.com/pb-archive/pb/internal/record"
)

// ignored is what decode returns for a record type pb-load reads past on
// purpose (page records: their content arrives parsed).
type ignored struct{}

// errUnknownType marks a record type pb-load does not know.
type errUnknownType struct{ typ string }

func (e errUnknownType) Error() string { return fmt.Sprintf("unknown record type %q", e.typ) }

// decode turns one input line into the record it holds (a *record.Post, …),
// checking the keys pb-load cannot do without. Required integer keys are
// decoded through pointers that shadow the embedded struct's fields, so a
// missing id is told apart from an id of 0 in a single JSON pass.
func decode(l record.Line) (any, error) {
	switch l.Type {
	case record.TypePage:
		return ignored{}, nil

	case record.TypeURL:
		var in record.URL
		if err := decodeInto(l, &in); err != nil {
			return nil, err
		}
		return &in, needString(l, "url", in.URL)

	case record.TypeLink:
		var in record.Link
		if err := decodeInto(l, &in); err != nil {
			return nil, err
		}
		return &in, needString(l, "url", in.URL)

	case record.TypeOutcome:
		var in record.Outcome
		if err := decodeInto(l, &in); err != nil {
			return nil, err
		}
		if err := needString(l, "url", in.URL); err != nil {
			return nil, err
		}
		if in.Status != record.OutcomeDone && in.Status != record.OutcomeFailed {
			return nil, lineErr(l, "outcome status is %q, want %q or %q", in.Status, record.OutcomeDone, record.OutcomeFailed)
		}
		return &in, nil

	case record.TypeCategory:
		var in struct {
			record.Category
			ID *int64 `json:"id"`
		}
		if err := decodeInto(l, &in); err != nil {
			return nil, err
		}
		return &in.Category, needInt(l, "id", in.ID, &in.Category.ID)

	case record.TypeBoard:
		var in struct {
			record.Board
			ID *int64 `json:"id"`
		}
		if err := decodeInto(l, &in); err != nil {
			return nil, err
		}
		return &in.Board, needInt(l, "id", in.ID, &in.Board.ID)

	case record.TypeModerator:
		var in struct {
			record.Moderator
			BoardID *int64 `json:"board_id"`
			UserID  *int64 `json:"user_id"`
		}
		if err := decodeInto(l, &in); err != nil {
			return nil, err
		}
		return &in.Moderator, firstErr(
			needInt(l, "board_id", in.BoardID, &in.Moderator.BoardID),
			needInt(l, "user_id", in.UserID, &in.Moderator.UserID))

	case record.TypeThread:
		var in struct {
			record.Thread
			ID *int64 `json:"id"`
		}
		if err := decodeInto(l, &in); err != nil {
			return nil, err
		}
		return &in.Thread, needInt(l, "id", in.ID, &in.Thread.ID)

	case record.TypePost:
		var in struct {
			record.Post
			ID *int64 `json:"id"`
		}
		if err := decodeInto(l, &in); err != nil {
			return nil, err
		}
		return &in.Post, needInt(l, "id", in.ID, &in.Post.ID)

	case record.TypeLike:
		var in struct {
			record.Like
			PostID *int64 `json:"post_id"`
			UserID *int64 `json:"user_id"`
		}
		if err := decodeInto(l, &in); err != nil {
			return nil, err
		}
		return &in.Like, firstErr(
			needInt(l, "post_id", in.PostID, &in.Like.PostID),
			needInt(l, "user_id", in.UserID, &in.Like.UserID))

	case record.TypePoll:
		var in struct {
			record.Poll
			ID *int64 `json:"id"`
		}
		if err := decodeInto(l, &in); err != nil {
			return nil, err
		}
		return &in.Poll, needInt(l, "id", in.ID, &in.Poll.ID)

	case record.TypePollOption:
		var in struct {
			record.PollOption
			ID     *int64 `json:"id"`
			PollID *int64 `json:"poll_id"`
		}
		if err := decodeInto(l, &in); err != nil {
			return nil, err
		}
		return &in.PollOption, firstErr(
			needInt(l, "id", in.ID, &in.PollOption.ID),
			needInt(l, "poll_id", in.PollID, &in.PollOption.PollID))

	case record.TypePollVoter:
		var in struct {
			record.PollVoter
			PollID *int64 `json:"poll_id"`
			UserID *int64 `json:"user_id"`
		}
		if err := decodeInto(l, &in); err != nil {
			return nil, err
		}
		return &in.PollVoter, firstErr(
			needInt(l, "poll_id", in.PollID, &in.PollVoter.PollID),
			needInt(l, "user_id", in.UserID, &in.PollVoter.UserID))

	case record.TypeUser:
		var in struct {
			record.User
			ID *int64 `json:"id"`
		}
		if err := decodeInto(l, &in); err != nil {
			return nil, err
		}
		return &in.User, needInt(l, "id", in.ID, &in.User.ID)

	case record.TypeShoutboxPost:
		var in struct {
			record.ShoutboxPost
			ID *int64 `json:"id"`
		}
		if err := decodeInto(l, &in); err != nil {
			return nil, err
		}
		return &in.ShoutboxPost, needInt(l, "id", in.ID, &in.ShoutboxPost.ID)

	case record.TypeImage:
		var in record.Image
		if err := decodeInto(l, &in); err != nil {
			return nil, err
		}
		return &in, needString(l, "url", in.URL)

	case record.TypeAvatar:
		var in struct {
			record.Avatar
			UserID *int64 `json:"user_id"`
		}
		if err := decodeInto(l, &in); err != nil {
			return nil, err
		}
		return &in.Avatar, firstErr(
			needInt(l, "user_id", in.UserID, &in.Avatar.UserID),
			needString(l, "url", in.Avatar.URL))

	case record.TypeUserField:
		var in struct {
			record.UserField
			UserID *int64                `json:"user_id"`
			Fields *[]record.CustomField `json:"fields"`
		}
		if err := decodeInto(l, &in); err != nil {
			return nil, err
		}
		if err := needInt(l, "user_id", in.UserID, &in.UserField.UserID); err != nil {
			return nil, err
		}
		if in.Fields == nil {
			return nil, lineErr(l, "user_field record has no \"fields\" (use [] for a profile without custom fields)")
		}
		in.UserField.Fields = *in.Fields
		seen := map[string]bool{}
		for i, f := range in.UserField.Fields {
			if f.Name == "" {
				return nil, lineErr(l, "user_field record: fields[%d] has no name", i)
			}
			if seen[f.Name] {
				return nil, lineErr(l, "user_field record: the field %q is listed twice", f.Name)
			}
			seen[f.Name] = true
		}
		return &in.UserField, nil
	}
	return nil, errUnknownType{l.Type}
}

// decodeInto unmarshals the line into v, saying which field has the wrong
// type in the record's own terms rather than Go's.
func decodeInto(l record.Line, v any) error {
	err := json.Unmarshal(l.Raw, v)
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return lineErr(l, "bad %s record: %q is a JSON %s, want %s", l.Type, jsonField(te.Field), te.Value, jsonKind(te.Type))
	}
	return lineErr(l, "bad %s record: %v", l.Type, err)
}

// jsonField drops the embedded Go struct names (User.name) from a field path.
func jsonField(path string) string {
	parts := strings.Split(path, ".")
	for len(parts) > 1 && parts[0] != "" && unicode.IsUpper(rune(parts[0][0])) {
		parts = parts[1:]
	}
	return strings.Join(parts, ".")
}

// jsonKind names the JSON type a Go type decodes from.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "an integer"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "an array"
	}
	return t.String()
}

func lineErr(l record.Line, format string, args ...any) error {
	return &record.LineError{N: l.N, Msg: fmt.Sprintf(format, args...)}
}

// needInt copies a required integer key into its field, or reports it missing.
func needInt(l record.Line, key string, v *int64, dst *int64) error {
	if v == nil {
		return lineErr(l, "%s record has no %q", l.Type, key)
	}
	*dst = *v
	return nil
}

func needString(l record.Line, key, v string) error {
	if v == "" {
		return lineErr(l, "%s record has no %q", l.Type, key)
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
