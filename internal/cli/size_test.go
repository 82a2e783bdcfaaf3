package cli

import "testing"

func TestByteSize(t *testing.T) {
	for in, want := range map[string]int64{
		"20MB": 20 << 20, "512k": 512 << 10, "1GiB": 1 << 30, "1048576": 1 << 20, "1.5MB": 3 << 19, "0": 0, "7 b": 7,
	} {
		var b ByteSize
		if err := b.UnmarshalText([]byte(in)); err != nil || int64(b) != want {
			t.Errorf("%q = %d, %v; want %d", in, b, err, want)
		}
	}
	for _, in := range []string{"", "MB", "-1", "12XB", "lots", "9000000000000GB", "1e30", "Inf", "NaN"} {
		var b ByteSize
		if err := b.UnmarshalText([]byte(in)); err == nil {
			t.Errorf("%q parsed as %d, want an error", in, b)
		}
	}
	if s := ByteSize(20 << 20).String(); s != "20MB" {
		t.Errorf("String = %q", s)
	}
}
