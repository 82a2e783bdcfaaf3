package fetch

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/pb-archive/pb/internal/cli"
	"github.com/pb-archive/pb/internal/cookies"
	"github.com/pb-archive/pb/internal/warc"
)

// Flags are the network flags pb-fetch and pb-images share (kong tags).
type Flags struct {
	Delay       time.Duration `help:"Least time between two request starts to a forum host, shared by all workers (0 turns the schedule off; Retry-After is still honoured)." default:"1.5s"`
	LongDelay   time.Duration `help:"Pause before the next request after every --long-every requests to a forum host." default:"20s" name:"long-delay"`
	LongEvery   int           `help:"How many requests to a forum host between long pauses (0: never)." default:"15" name:"long-every"`
	Jitter      time.Duration `help:"Add a random delay of up to this much to every delay." default:"0s"`
	OtherDelay  time.Duration `help:"Least time between two requests to any other host (image hosts, CDNs), each host on its own schedule." default:"250ms" name:"other-delay"`
	Concurrency int           `help:"How many requests may be in flight at once (the per-host schedule still applies)." short:"c" default:"4"`
	Retries     int           `help:"How many times to retry a request that failed for a passing reason (429, 5xx, timeout, reset, truncated body)." default:"4"`
	Backoff     time.Duration `help:"Wait before the first retry; doubles each retry, with jitter." default:"2s"`
	MaxWait     time.Duration `help:"Cap on any single wait, Retry-After included." default:"5m" name:"max-wait"`
	Timeout     time.Duration `help:"Time limit of one request, body included." default:"60s"`
	UserAgent   string        `help:"User-Agent header (default: the tool's name, version and purpose, with the project's URL)." name:"user-agent" placeholder:"UA"`
	Header      []string      `help:"Extra request header, K:V (repeatable)." placeholder:"K:V" sep:"none"`
	Cookies     string        `help:"Netscape cookies.txt file (as browsers' export extensions, curl and pb-fetch --save-cookies write it): a logged-in session, a Cloudflare clearance." type:"existingfile" placeholder:"FILE"`
	Robots      string        `help:"What to do with URLs robots.txt disallows: obey (skip them), warn (fetch, report each rule once), ignore." enum:"obey,warn,ignore" default:"warn"`
	Breaker     int           `help:"Pause a host after this many failures in a row (0: never); after 4 such pauses without a success it is given up for the run." default:"5"`
	BreakerWait time.Duration `help:"First pause of a failing host; doubles each time." default:"30s" name:"breaker-pause"`
	LimitDir    string        `help:"Folder of the small files through which pb processes on this machine (pb-fetch and pb-images in one pipeline) share the forum's schedule, so the forum sees one stream of requests, and each site's robots.txt, read once a day (default: $XDG_RUNTIME_DIR, else the temp dir; \"none\": each process keeps its own)." name:"limit-dir" placeholder:"DIR"`
	WARC        string        `help:"Also write every response into WARC 1.1 files in this folder (pb-fetch and pb-images may share it; see pb-warc)." name:"warc" placeholder:"DIR"`
	FromWARC    string        `help:"Answer every request from the WARC files in this folder (the latest capture of each URL) instead of the network: rerun over an archive offline." name:"from-warc" placeholder:"DIR"`
	WARCMaxSize ByteSize      `help:"Start a new WARC file when one reaches this size." name:"warc-max-size" default:"1GB"`
	Progress    bool          `help:"Show progress on stderr even when it is not a terminal."`
	Quiet       bool          `help:"No progress and no summary; only warnings and errors." short:"q"`
}

// Validate refuses out-of-range flags (kong calls it; exit 2): a negative
// delay would turn politeness off, a negative --max-wait would leave
// Retry-After uncapped.
func (f *Flags) Validate() error {
	var c cli.Checks
	c.NotNegative("--delay", f.Delay)
	c.NotNegative("--long-delay", f.LongDelay)
	c.AtLeast("--long-every", f.LongEvery, 0)
	c.NotNegative("--jitter", f.Jitter)
	c.NotNegative("--other-delay", f.OtherDelay)
	c.Between("--concurrency", f.Concurrency, 1, 1000)
	c.Between("--retries", f.Retries, 0, 100)
	c.NotNegative("--backoff", f.Backoff)
	c.Positive("--max-wait", f.MaxWait)
	c.Positive("--timeout", f.Timeout)
	c.AtLeast("--breaker", f.Breaker, 0)
	c.NotNegative("--breaker-pause", f.BreakerWait)
	return c.Err()
}

// DefaultUserAgent names the tool and says what it is doing, so a forum's
// owner who looks at the logs knows whom to ask.
func DefaultUserAgent(tool string) string {
	return tool + "/1.0 (+https://github.com/pb-archive/pb; archiving a ProBoards forum before it disappears)"
}

// Config is everything New needs.
type Config struct {
	Flags
	// Tool names the command, for the default User-Agent and robots.txt.
	Tool string
	// MaxBody caps a response body (0: no cap).
	MaxBody int64
	// Hosts are the forum's hosts (see Hosts). New makes an empty set if nil.
	Hosts *Hosts
	// RedirectAnywhere lets redirects leave the forum's hosts (images move
	// between CDNs); otherwise they may only lead to the forum's hosts.
	RedirectAnywhere bool
	// Render starts a browser for requests flagged Render.
	Render       bool
	Chromium     string
	Tabs         int
	ModalTimeout time.Duration
	// RenderTimeout bounds a rendered page's time without a request in
	// flight (RenderConfig.PageTimeout).
	RenderTimeout time.Duration
	TempDir       string
	// BoardPasswords unlock password-protected boards (see UnlockBoards).
	BoardPasswords BoardPasswords
	Stats          *Stats
	Log            Logf
}

// Stack is the assembled fetcher.
type Stack struct {
	Fetcher
	Stats   *Stats
	Hosts   *Hosts
	Browser *Browser
	// Jar holds every cookie of the run: --cookies, the forum's, the
	// proof-of-work answers, a login's session, unlocked boards.
	Jar *cookies.Jar

	limiter *Limiter
	warc    *warc.Writer
	// forms submits forms (the login): retries, proof-of-work and the
	// schedule apply, robots.txt does not (logging in is the user's
	// explicit wish), and redirects may lead to a login host.
	forms Fetcher
}

// New builds the fetch stack, outermost first:
//
//	Render → UnlockBoards → Redirect → Retry → Robots → PoW → Limit → HTTP
//
// Each redirect hop, retry, proof-of-work answer and robots.txt goes
// through Limit, so a host sees one request start per schedule slot
// whatever the cause. Errors are usage errors (bad header, cookie file,
// no browser).
func New(cfg Config) (*Stack, error) {
	if cfg.Stats == nil {
		cfg.Stats = NewStats()
	}
	if cfg.Log == nil {
		cfg.Log = func(string, ...any) {}
	}
	if cfg.Hosts == nil {
		cfg.Hosts = NewHosts()
	}
	if cfg.Tool == "" {
		cfg.Tool = "pb-fetch"
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent(cfg.Tool)
	}
	header, err := ParseHeaders(cfg.Header)
	if err != nil {
		return nil, err
	}
	var fromFile []cookies.Cookie
	if cfg.Cookies != "" {
		if fromFile, err = cookies.Load(cfg.Cookies); err != nil {
			return nil, err
		}
	}
	jar, err := cookies.NewJar(fromFile)
	if err != nil {
		return nil, err
	}
	if cfg.Concurrency < 1 {
		return nil, errors.New("--concurrency must be at least 1")
	}
	if d := limitDir(cfg.LimitDir); d != LimitDirNone {
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("--limit-dir %s is not a folder (\"none\" keeps each host's schedule in its process)", d)
		}
	}
	h := NewHTTP(HTTPConfig{
		UserAgent: cfg.UserAgent, Header: header, Jar: jar, Timeout: cfg.Timeout,
		MaxBody: cfg.MaxBody, Conns: cfg.Concurrency,
	})
	lim := NewLimiter(LimitConfig{
		Forum:            Schedule{Delay: cfg.Delay, LongDelay: cfg.LongDelay, LongEvery: cfg.LongEvery, Jitter: cfg.Jitter},
		Other:            Schedule{Delay: cfg.OtherDelay, Jitter: cfg.Jitter},
		Hosts:            cfg.Hosts,
		BreakerThreshold: cfg.Breaker, BreakerPause: cfg.BreakerWait, MaxWait: cfg.MaxWait,
		Dir: limitDir(cfg.LimitDir), Stats: cfg.Stats, Log: cfg.Log,
	})
	rc := RetryConfig{Retries: cfg.Retries, Backoff: cfg.Backoff, MaxWait: cfg.MaxWait, Stats: cfg.Stats}
	base := PoW(Limit(h, lim), jar, cfg.Stats)
	if cfg.FromWARC != "" {
		if base, err = openReplay(cfg.FromWARC); err != nil {
			return nil, err
		}
	}
	mode := cfg.Robots
	if cfg.FromWARC != "" {
		mode = "ignore" // the archive obeyed robots.txt when it was made
	}
	robots := Robots(base, RobotsConfig{
		Mode: mode, Agent: agentToken(cfg.UserAgent, cfg.Tool),
		Fetcher: CacheRobots(Redirect(Retry(base, rc), nil), RobotsCacheConfig{Dir: limitDir(cfg.LimitDir), Log: cfg.Log}),
		Stats:   cfg.Stats, Log: cfg.Log,
	})
	allow := func(to *url.URL) bool { return cfg.Hosts.Has(to.Host) }
	if cfg.RedirectAnywhere {
		allow = nil
	}
	archive, err := openWARC(cfg)
	if err != nil {
		return nil, err
	}
	plain := UnlockBoards(Archive(Redirect(Retry(robots, rc), allow), archive, cfg.Log), cfg.BoardPasswords)
	s := &Stack{Fetcher: plain, Stats: cfg.Stats, Hosts: cfg.Hosts, Jar: jar, limiter: lim,
		forms: Redirect(Retry(base, rc), nil), warc: archive}
	if cfg.Render {
		bin, err := FindChromium(cfg.Chromium)
		if err != nil {
			archive.Close()
			return nil, err
		}
		s.Browser = NewBrowser(RenderConfig{
			Chromium: bin, Tabs: cfg.Tabs, ModalTimeout: cfg.ModalTimeout, PageTimeout: cfg.RenderTimeout, UserAgent: cfg.UserAgent,
			Cookies: fromFile, Hosts: cfg.Hosts, TempDir: cfg.TempDir, Log: cfg.Log,
		})
		s.Fetcher = archiveDOM(Render(plain, s.Browser), archive, cfg.Log)
	}
	return s, nil
}

// Close stops the browser, if one was started, and releases the shared
// schedule files.
func (s *Stack) Close() error {
	s.limiter.Close()
	var err error
	if s.Browser != nil {
		err = s.Browser.Close()
	}
	if werr := s.warc.Close(); err == nil {
		err = werr
	}
	return err
}

// limitDir resolves --limit-dir: "" is the default folder.
func limitDir(flag string) string {
	if flag == "" {
		return DefaultLimitDir()
	}
	return flag
}

// ParseHeaders parses "K:V" flags.
func ParseHeaders(kvs []string) (http.Header, error) {
	h := http.Header{}
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, ":")
		k = strings.TrimSpace(k)
		if !ok || k == "" || strings.ContainsAny(k, " \t") {
			return nil, fmt.Errorf("--header %q: want NAME:VALUE", kv)
		}
		h.Add(k, strings.TrimSpace(v))
	}
	return h, nil
}

// agentToken is the product token robots.txt groups are matched against:
// the User-Agent's first word without its version.
func agentToken(ua, tool string) string {
	tok, _, _ := strings.Cut(strings.TrimSpace(ua), "/")
	if f := strings.Fields(tok); len(f) > 0 {
		return f[0]
	}
	return tool
}
