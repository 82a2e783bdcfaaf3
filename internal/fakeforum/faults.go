package fakeforum

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// faultDice decides, request by request, which fault strikes. One seeded
// stream serves all requests, so the rates hold whatever the URLs are.
type faultDice struct {
	mu         sync.Mutex
	r          *rand.Rand
	exclusive  []string  // in the order of exclusiveFaults
	upTo       []float64 // cumulative rates
	pow, login float64
	none       bool
}

// faultRoll is the outcome for one request.
type faultRoll struct {
	exclusive  string // one of exclusiveFaults, or ""
	pow, login bool   // the gates are up for this request
}

func newFaultDice(seed int64, rates map[string]float64) *faultDice {
	d := &faultDice{r: newRand(seed, streamFault, 0), pow: rates[FaultPoW], login: rates[FaultLogin]}
	sum := 0.0
	for _, name := range exclusiveFaults {
		if rate := rates[name]; rate > 0 {
			sum += rate
			d.exclusive = append(d.exclusive, name)
			d.upTo = append(d.upTo, sum)
		}
	}
	d.none = len(d.exclusive) == 0 && d.pow == 0 && d.login == 0
	return d
}

// roll draws the faults of one request. robots.txt and the AJAX endpoints
// behind the JavaScript modals never fail (a page script does not retry).
func (d *faultDice) roll(path string) faultRoll {
	if d.none || path == "/robots.txt" || strings.HasPrefix(path, "/fake-api/") {
		return faultRoll{}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	var out faultRoll
	x := d.r.Float64()
	for i, up := range d.upTo {
		if x < up {
			out.exclusive = d.exclusive[i]
			break
		}
	}
	out.pow = d.r.Float64() < d.pow
	out.login = d.r.Float64() < d.login
	return out
}

// resetConnection closes the client's connection without a response, with
// SO_LINGER 0 so the client sees a TCP reset rather than a clean close.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // HTTP/2: the server resets the stream
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

// bufferWriter is an http.ResponseWriter that keeps the response in memory.
type bufferWriter struct {
	header http.Header
	status int
	body   []byte
}

func (b *bufferWriter) Header() http.Header { return b.header }

func (b *bufferWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

func (b *bufferWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	b.body = append(b.body, p...)
	return len(p), nil
}

// truncateResponse sends the buffered response's headers with its full
// Content-Length, then half of the body, then closes the connection.
func truncateResponse(w http.ResponseWriter, r *http.Request, resp *bufferWriter) {
	conn, bw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	defer conn.Close()
	if bw == nil {
		bw = bufio.NewReadWriter(bufio.NewReader(conn), bufio.NewWriter(conn))
	}
	status := resp.status
	if status == 0 {
		status = http.StatusOK
	}
	resp.header.Set("Content-Length", strconv.Itoa(len(resp.body)))
	resp.header.Set("Connection", "close")
	fmt.Fprintf(bw, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	resp.header.Write(bw)
	bw.WriteString("\r\n")
	if r.Method != http.MethodHead {
		bw.Write(resp.body[:len(resp.body)/2])
	}
	bw.Flush()
}
