package cli

import (
	"strconv"
	"strings"
)

// Count writes n and the noun, singular for exactly one and plural
// otherwise: "1 record", "0 records", "2 entities", "1 URL". Give the
// singular; see Plural for how the plural is made.
func Count[N ~int | ~int32 | ~int64](n N, singular string) string {
	return strconv.FormatInt(int64(n), 10) + " " + Plural(n, singular)
}

// Plural returns singular when n is 1, and its plural otherwise, for a
// noun or a phrase ending in one ("home page" → "home pages"). English
// rules for the nouns pb uses: -y after a consonant → -ies (entity),
// -s, -x, -ch, -sh → -es (pass), else -s (URL → URLs).
func Plural[N ~int | ~int32 | ~int64](n N, singular string) string {
	if n == 1 || singular == "" {
		return singular
	}
	s := singular
	lower := strings.ToLower(s)
	switch {
	case strings.HasSuffix(lower, "y") && len(s) > 1 && !strings.ContainsRune("aeiou", rune(lower[len(lower)-2])):
		return s[:len(s)-1] + "ies"
	case strings.HasSuffix(lower, "s"), strings.HasSuffix(lower, "x"),
		strings.HasSuffix(lower, "ch"), strings.HasSuffix(lower, "sh"):
		return s + "es"
	}
	return s + "s"
}
