package walls

import "strings"

// advice says what the user can do about each wall: in full the first time
// a tool meets it, in short in pb-fetch's summary. It is the one wording
// for both pb-fetch and pb-parse, so it names pb-fetch's flags as such.
var advice = map[Kind]struct{ full, short string }{
	Login: {"these pages need a logged-in member: log in with pb-fetch --login EMAIL (the password comes from " +
		"$PB_PASSWORD or the terminal), or export the forum's cookies from a browser where you are logged " +
		"in and pass pb-fetch --cookies FILE", "use pb-fetch --login EMAIL or --cookies FILE"},
	Cloudflare: {"the forum is behind a Cloudflare check that needs a browser: open the forum in a browser, " +
		"pass the check, export its cookies (cf_clearance) and pass them to pb-fetch --cookies FILE with that " +
		"browser's --user-agent; slow down with --delay, and try again later", "pass a browser's cookies with pb-fetch --cookies FILE"},
	Captcha: {"the forum asks for a CAPTCHA: solve the CAPTCHA in a browser, export the forum's cookies and pass " +
		"them to pb-fetch --cookies FILE with that browser's --user-agent; slow down with --delay",
		"pass a browser's cookies with pb-fetch --cookies FILE"},
	Blocked: {"the forum refuses our requests: slow down (pb-fetch --delay 5s), try again later, or export the " +
		"cookies of a browser where the forum works and pass pb-fetch --cookies FILE with that browser's --user-agent",
		"slow down (pb-fetch --delay) or pass a browser's cookies (--cookies FILE)"},
	BoardPassword: {"pass --board-password ID=PASSWORD (or --board-passwords FILE) to pb-fetch to archive its threads; " +
		"until then it stays pending", "pass pb-fetch --board-password ID=PASSWORD"},
	PoW: {"ProBoards' proof-of-work check was not passed: fetch these pages with pb-fetch, which solves it; " +
		"if pb-fetch could not, slow down (--delay) and try again later, or export the cookies of a browser " +
		"where the forum works (--cookies FILE)", "slow down and try again later"},
	BadPassword: {"check the board's password (pb-fetch --board-password ID=PASSWORD, or --board-passwords FILE); " +
		"the board is not tried again in this run", "check pb-fetch --board-password ID=PASSWORD"},
}

// Advise says what to do about wall k: in full, or in short for a
// summary. board, when known, replaces ID in the board walls' flags.
func Advise(k Kind, board string, short bool) string {
	a := advice[k].full
	if short {
		a = advice[k].short
	}
	if board != "" && board != "?" {
		a = strings.ReplaceAll(a, "ID=", board+"=")
	}
	return a
}

// OfReason names the wall behind a failure's reason, as either tool words
// it: pb-parse's own reasons and pb-fetch's page errors, which pb-parse
// repeats after "fetch failed: ". "" when the reason is no wall.
func OfReason(r string) Kind {
	switch {
	case r == "password protected": // schema/README.md: a protected board's outcome
		return BoardPassword
	case strings.HasPrefix(r, "login required"), strings.Contains(r, "redirected to the login page"):
		return Login
	case strings.Contains(r, "CAPTCHA"):
		return Captcha
	case strings.Contains(r, "Cloudflare"):
		return Cloudflare
	case strings.Contains(r, "proof-of-work"):
		return PoW
	case strings.Contains(r, "HTTP 403"), strings.Contains(r, "HTTP 406"):
		return Blocked
	}
	return ""
}
