// Command ceiling is the bench's reference point: the smallest gin server
// that takes the same request (bearer check, body read up to 1 MiB) and
// answers 200 without storing anything. It also answers GitLab's
// create-pipeline call so that mlbot's worker has a fast backend during
// the bench.
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"

	"github.com/gin-gonic/gin"
)

func main() {
	addr := flag.String("listen", "127.0.0.1:8090", "address")
	flag.Parse()
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	// GitLab's project ids are paths escaped as one segment (ml%2Frec):
	// route on the raw path, or every create-pipeline call is a 404 and
	// the worker's jobs fail instead of starting pipelines.
	r.UseRawPath = true
	r.POST("/v1/alertmanager", func(c *gin.Context) {
		if c.GetHeader("Authorization") != "Bearer bench-token" {
			c.AbortWithStatus(401)
			return
		}
		b, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, 1<<20))
		if err != nil {
			c.AbortWithStatus(413)
			return
		}
		c.JSON(200, gin.H{"bytes": len(b)})
	})
	var id atomic.Int64
	r.POST("/api/v4/projects/:id/pipeline", func(c *gin.Context) {
		io.Copy(io.Discard, c.Request.Body)
		c.Data(201, "application/json", []byte(fmt.Sprintf(`{"id":%d,"status":"created","web_url":"http://x/%d"}`, id.Add(1), id.Load())))
	})
	if err := http.ListenAndServe(*addr, r); err != nil {
		panic(err)
	}
}
