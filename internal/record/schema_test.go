package record

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// goTypes maps each record type to a zero value of its Go type.
var goTypes = map[string]any{
	TypeURL: URL{}, TypePage: Page{}, TypeLink: Link{}, TypeOutcome: Outcome{},
	TypeCategory: Category{}, TypeBoard: Board{}, TypeModerator: Moderator{},
	TypeThread: Thread{}, TypePost: Post{}, TypeLike: Like{}, TypePoll: Poll{},
	TypePollOption: PollOption{}, TypePollVoter: PollVoter{}, TypeUser: User{},
	TypeShoutboxPost: ShoutboxPost{}, TypeImage: Image{}, TypeAvatar: Avatar{},
	TypeUserField: UserField{},
}

// fill sets every field of the struct v points to, so the encoding shows
// every property; values satisfy the schemas' enums and patterns.
func fill(v reflect.Value, typ string) {
	v = v.Elem()
	for i := 0; i < v.NumField(); i++ {
		f, sf := v.Field(i), v.Type().Field(i)
		name := strings.Split(sf.Tag.Get("json"), ",")[0]
		target := f
		if f.Kind() == reflect.Pointer {
			f.Set(reflect.New(f.Type().Elem()))
			target = f.Elem()
		}
		switch {
		case name == "type":
			target.SetString(typ)
		case name == "status" && target.Kind() == reflect.String && typ == TypeOutcome:
			target.SetString(OutcomeDone)
		case name == "md5_hash":
			target.SetString("0123456789abcdef0123456789abcdef")
		case target.Kind() == reflect.String:
			target.SetString("x")
		case target.Kind() == reflect.Int, target.Kind() == reflect.Int64:
			target.SetInt(1_700_000_000_000)
		case target.Kind() == reflect.Bool:
			target.SetBool(true)
		case target.Kind() == reflect.Slice && target.Type().Elem().Kind() == reflect.String:
			target.Set(reflect.ValueOf([]string{"div.x"}))
		case target.Kind() == reflect.Map:
			target.Set(reflect.ValueOf(map[string][]string{"Content-Type": {"text/html"}}))
		case target.Kind() == reflect.Slice && target.Type().Elem().Kind() == reflect.Struct:
			target.Set(reflect.MakeSlice(target.Type(), 1, 1))
			fill(target.Index(0).Addr(), typ)
		case target.Kind() == reflect.Slice:
			target.Set(reflect.MakeSlice(target.Type(), 1, 1))
			target.Index(0).SetInt(7)
		}
	}
}

func jsonFields(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		out = append(out, strings.Split(t.Field(i).Tag.Get("json"), ",")[0])
	}
	sort.Strings(out)
	return out
}

func compileSchema(t *testing.T, typ string) (*jsonschema.Schema, map[string]any) {
	t.Helper()
	path := filepath.Join("..", "..", "schema", typ+".json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("schema for %q: %v", typ, err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(path, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return s, doc.(map[string]any)
}

func validate(s *jsonschema.Schema, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return err
	}
	return s.Validate(inst)
}

// TestGoTypesMatchSchemas checks each record type's Go encoding, full and
// minimal, against schema/<type>.json, and that both name the same fields.
func TestGoTypesMatchSchemas(t *testing.T) {
	if len(goTypes) != len(Types) {
		t.Fatalf("goTypes has %d entries, Types %d", len(goTypes), len(Types))
	}
	for _, typ := range Types {
		t.Run(typ, func(t *testing.T) {
			s, doc := compileSchema(t, typ)
			gt := reflect.TypeOf(goTypes[typ])

			props := doc["properties"].(map[string]any)
			var schemaFields []string
			for k := range props {
				schemaFields = append(schemaFields, k)
			}
			sort.Strings(schemaFields)
			if got := jsonFields(gt); !reflect.DeepEqual(got, schemaFields) {
				t.Errorf("fields differ:\n Go:     %v\n schema: %v", got, schemaFields)
			}

			full := reflect.New(gt)
			fill(full, typ)
			if err := validate(s, full.Interface()); err != nil {
				t.Errorf("full %s record does not validate: %v", typ, err)
			}

			// The minimal record: only the type and the required non-pointer fields.
			min := reflect.New(gt)
			min.Elem().Field(0).SetString(typ)
			if typ == TypeOutcome {
				min.Elem().FieldByName("Status").SetString(OutcomeFailed)
			}
			for _, r := range doc["required"].([]any) {
				f, ok := fieldByJSON(min.Elem(), r.(string))
				if !ok {
					t.Errorf("required %q has no Go field", r)
					continue
				}
				if f.Kind() == reflect.Pointer {
					t.Errorf("required %q is optional (a pointer) in Go", r)
				}
			}
			if err := validate(s, min.Interface()); err != nil {
				t.Errorf("minimal %s record does not validate: %v", typ, err)
			}

			// The validator is live: a wrong type for the record is refused.
			bad := map[string]any{"type": typ + "_not"}
			if err := validate(s, bad); err == nil {
				t.Errorf("schema accepts a record of type %q", typ+"_not")
			}
		})
	}
}

func fieldByJSON(v reflect.Value, name string) (reflect.Value, bool) {
	for i := 0; i < v.NumField(); i++ {
		if strings.Split(v.Type().Field(i).Tag.Get("json"), ",")[0] == name {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

// TestSchemaRejectsWrongFieldTypes makes sure the contract constrains values.
func TestSchemaRejectsWrongFieldTypes(t *testing.T) {
	s, _ := compileSchema(t, TypePost)
	for _, bad := range []map[string]any{
		{"type": "post"},                                // no id
		{"type": "post", "id": "12"},                    // id as a string
		{"type": "post", "id": 12, "date": "yesterday"}, // date not ms
		{"type": "post", "id": 12, "message": []int{1}}, // message not a string
	} {
		if err := validate(s, bad); err == nil {
			t.Errorf("post schema accepted %v", bad)
		}
	}
}
