package outcome

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteIsTheLineTheBenchmarkReads(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, Write(&b, Outcome{Answered: 9, Failed: 1, Seconds: 1.5, Error: "request 3: receive: EOF"}))
	assert.Equal(t, `{"answered":9,"failed":1,"seconds":1.5,"error":"request 3: receive: EOF"}`+"\n", b.String())
}
