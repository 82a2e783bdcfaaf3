package fakeforum

import (
	"math/rand/v2"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Word lists for generated text. Non-ASCII entries (accents, CJK, emoji)
// are there on purpose: archives must keep them byte for byte.

var firstNames = []string{
	"Alice", "Bob", "Chloé", "Dmitri", "Eun-ji", "Fatima", "Gustav", "Hiro", "Inès", "Jonas",
	"Kalani", "Łukasz", "Mei", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Søren", "Tomás",
	"Uma", "Viktor", "Wren", "Xiao", "Yusuf", "Zoë", "Amélie", "Björn", "Carmen", "Declan",
}

var lastNames = []string{
	"Abbott", "Brennan", "Castillo", "Dubois", "Eriksson", "Fischer", "García", "Haddad", "Ito",
	"Jäger", "Kowalski", "Lindqvist", "Müller", "Nakamura", "O'Brien", "Petrov", "Quinn", "Rossi",
	"Sato", "Tanaka", "Underwood", "Varga", "Wójcik", "Yilmaz", "Zhang",
}

var handles = []string{
	"darkstar", "moonpie", "rustbucket", "quietfox", "lamplighter", "tinkerbot", "nightowl",
	"paperkite", "saltmarsh", "ironweed", "bluejay", "hollowpine", "copperleaf", "driftwood",
	"emberly", "glasswing", "Mr. Fix-It", "ツバメ", "星空", "Señor Gato", "Ωmega", "xXx_slayer_xXx",
}

var guestNames = []string{
	"Wanderer", "Gast Müller", "anon", "Passer-by", "Zoë (guest)", "visitor42", "匿名", "Old Timer",
}

var groups = []string{"Member", "Member", "Member", "Member", "Senior Member", "Veteran", "Newbie", "Moderator"}

var words = []string{
	"the", "a", "forum", "thread", "archive", "garden", "river", "engine", "photo", "question",
	"answer", "idea", "weekend", "project", "map", "winter", "summer", "old", "new", "quick",
	"slow", "bright", "quiet", "broken", "fixed", "really", "maybe", "always", "never", "today",
	"we", "you", "they", "I", "think", "found", "made", "tried", "saw", "need", "like", "love",
	"café", "naïve", "smörgåsbord", "jalapeño", "façade", "Ærø", "日本語", "こんにちは", "中文",
	"한국어", "🎉", "👍", "😀", "☕", "and", "or", "but", "with", "about", "from", "into", "over",
	"lantern", "harbour", "kettle", "bicycle", "library", "recipe", "telescope", "meadow",
}

var titleWords = []string{
	"Help", "Question", "Photos", "Update", "Ideas", "Guide", "Report", "Review", "Plans",
	"Meetup", "Recipe", "Story", "Problem", "Thoughts", "News", "Tips", "Café", "Über",
}

var titleTopics = []string{
	"my garden", "the old engine", "winter walks", "the library sale", "bicycle repairs",
	"telescope mirrors", "bread & butter", "\"quoted\" titles", "<angle> brackets", "日本語の本",
	"emoji 🎉 night", "the harbour", "kettle collecting", "map making", "100% cotton",
	"naïve questions", "next weekend", "Tom & Jerry", "R&D at home", "50/50 splits",
}

var boardNames = []string{
	"General Discussion", "Off-Topic", "Introductions", "Help & Support", "Trading Post",
	"Fan Fiction", "Art Gallery", "News", "Events", "Games", "Music", "Tech Talk",
	"Café Chat", "日本語コーナー", "Photography", "Book Club", "Recipes", "Travel",
}

var boardAdjectives = []string{"Old", "New", "Quiet", "Busy", "Northern", "Southern", "Weekend", "Night", "Open"}

var categoryNames = []string{
	"Community", "The Archive", "Hobbies", "Staff Area", "Regional", "Creative Corner",
	"Marketplace", "Support", "Clubs", "Events", "Languages", "Miscellany",
}

var locations = []string{"Lyon", "Ōsaka", "Kraków", "Reykjavík", "São Paulo", "Toronto", "Cork", "Zürich", "Nairobi", "Hobart"}

var statuses = []string{
	"Back from holiday ☀️", "Scanning old photos", "busy busy busy", "Reading: « Le Petit Prince »",
	"🎸 practising", "Moving house & offline a bit", "¿Qué tal?",
}

var badgeNames = []string{"Veteran", "Helpful", "Photographer", "Storyteller", "Early Bird"}

var sigLines = []string{
	"“Not all those who wander are lost.”", "Sent from my kettle ☕", "Proud member since the old days",
	"日々是好日", "Keep calm & archive on", "My gallery: see profile",
}

var shoutTexts = []string{
	"hello everyone!", "anyone around?", "good morning ☀️", "new photos posted in the gallery",
	"brb", "happy birthday Zoë 🎉", "Fish & chips tonight", "who's going to the meetup?",
	"lol", "nice one", "the forum is slow today", "ça va ?", "おはよう", "see you tomorrow",
}

var pollQuestions = []string{"Which one do you prefer?", "Best time for the meetup?", "Favourite season?", "Should we move the forum?"}

var pollAnswers = []string{"Yes", "No", "Maybe", "Spring", "Summer", "Autumn", "Winter", "Saturday", "Sunday", "Café ☕", "Tea 🍵", "Don't care"}

var webDomains = []string{"example.com", "example.org", "example.net"}

// sentence returns n words, capitalised, with a full stop.
func sentence(r *rand.Rand, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		w := pick(r, words)
		if i == 0 {
			w = capitalise(w)
		} else {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	b.WriteByte('.')
	return b.String()
}

func capitalise(s string) string {
	for i, c := range s {
		return string(unicode.ToUpper(c)) + s[i+len(string(c)):]
	}
	return s
}

// slugify makes a ProBoards-like URL slug: ASCII letters and digits joined
// by hyphens, accents folded ("Café" -> "cafe").
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, c := range norm.NFD.String(s) {
		switch {
		case c < 128 && (unicode.IsLetter(c) || unicode.IsDigit(c)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(c))
		case unicode.Is(unicode.Mn, c): // a combining accent: drop it
		default:
			dash = true
		}
	}
	if b.Len() == 0 {
		return "untitled"
	}
	out := b.String()
	if len(out) > 60 {
		out = strings.TrimRight(out[:60], "-")
	}
	return out
}
