package fakeforum

import (
	"math"
	"math/rand/v2"
)

// Streams of random numbers, one per kind of entity, so any entity can be
// generated alone and in any order: the posts of page 7 of a thread do not
// depend on whether page 6 was served first.
const (
	streamWorld uint64 = iota + 1
	streamUser
	streamBoard
	streamThread
	streamPost
	streamShout
	streamImage
	streamFault
	streamPoW
	streamGen1
	streamCustomField
)

// mix is SplitMix64's finaliser: it spreads nearby inputs far apart.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// newRand returns the PCG stream of one entity: the same (seed, stream, id)
// always yields the same numbers.
func newRand(seed int64, stream uint64, id int64) *rand.Rand {
	return rand.New(rand.NewPCG(mix(uint64(seed)^mix(stream)), mix(uint64(id)+mix(stream<<32))))
}

// hashFloat is a cheap random number in [0,1) for (seed, stream, id, salt),
// for values needed in bulk without building a whole stream.
func hashFloat(seed int64, stream uint64, id int64, salt uint64) float64 {
	h := mix(mix(uint64(seed)^mix(stream)) ^ mix(uint64(id)) ^ mix(salt+0x51))
	return float64(h>>11) / (1 << 53)
}

// pick returns a random element of list.
func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

// chance is true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// between returns an int in [lo, hi].
func between(r *rand.Rand, lo, hi int) int { return lo + r.IntN(hi-lo+1) }

// logUniform returns an int64 in [lo, hi] whose logarithm is uniform, so
// small and large values are both common (views, post counts).
func logUniform(r *rand.Rand, lo, hi int64) int64 {
	l, h := math.Log(float64(lo)), math.Log(float64(hi))
	return int64(math.Exp(l + r.Float64()*(h-l)))
}

// geometric returns a count >= 0 with the given mean.
func geometric(r *rand.Rand, mean float64) int {
	if mean <= 0 {
		return 0
	}
	p := 1 / (mean + 1)
	return int(math.Floor(math.Log(1-r.Float64()) / math.Log(1-p)))
}
