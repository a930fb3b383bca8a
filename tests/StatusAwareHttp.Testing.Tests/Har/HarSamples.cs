namespace StatusAwareHttp.Testing.Tests.Har;

/// <summary>HAR files as Chrome, Firefox and Playwright write them (shapes and extra fields as those tools write them).</summary>
internal static class HarSamples
{
    /// <summary>Chrome DevTools "Save all as HAR": pages, underscore fields, HTTP/2 pseudo-fields, a base64 body, cookies with sameSite.</summary>
    public const string Chrome = """
        {
          "log": {
            "version": "1.2",
            "creator": { "name": "WebInspector", "version": "537.36" },
            "pages": [ { "startedDateTime": "2026-03-01T10:00:00.000Z", "id": "page_1", "title": "https://api.example.org/", "pageTimings": { "onContentLoad": 120.5, "onLoad": 300.25 } } ],
            "entries": [
              {
                "_initiator": { "type": "script", "stack": { "callFrames": [] } },
                "_priority": "High",
                "_resourceType": "fetch",
                "cache": {},
                "connection": "443",
                "pageref": "page_1",
                "request": {
                  "method": "GET",
                  "url": "https://api.example.org/items?page=2&sort=name",
                  "httpVersion": "http/2.0",
                  "headers": [
                    { "name": ":authority", "value": "api.example.org" },
                    { "name": ":method", "value": "GET" },
                    { "name": "accept", "value": "application/json" }
                  ],
                  "queryString": [ { "name": "page", "value": "2" }, { "name": "sort", "value": "name" } ],
                  "cookies": [ { "name": "sid", "value": "x", "path": "/", "domain": "api.example.org", "expires": null, "httpOnly": true, "secure": true, "sameSite": "Lax" } ],
                  "headersSize": -1,
                  "bodySize": 0
                },
                "response": {
                  "status": 200,
                  "statusText": "",
                  "httpVersion": "http/2.0",
                  "headers": [
                    { "name": "cache-control", "value": "max-age=60" },
                    { "name": "content-type", "value": "application/json" },
                    { "name": "date", "value": "Sun, 01 Mar 2026 10:00:00 GMT" },
                    { "name": "etag", "value": "\"v1\"" }
                  ],
                  "cookies": [],
                  "content": { "size": 15, "mimeType": "application/json", "text": "eyJpdGVtcyI6WzEsMl19", "encoding": "base64" },
                  "redirectURL": "",
                  "headersSize": -1,
                  "bodySize": -1,
                  "_transferSize": 120.0,
                  "_error": null
                },
                "serverIPAddress": "[2001:db8::1]",
                "startedDateTime": "2026-03-01T10:00:00.123Z",
                "time": 48.912000000000006,
                "timings": { "blocked": 1.2, "dns": -1, "ssl": -1, "connect": -1, "send": 0.1, "wait": 45.3, "receive": 2.3, "_blocked_queueing": 0.8 }
              }
            ]
          }
        }
        """;

    /// <summary>Firefox: a request blocked before it had a response (status 0), a POST with postData, numbers as written.</summary>
    public const string Firefox = """
        {"log":{"version":"1.2","creator":{"name":"Firefox","version":"128.0"},"browser":{"name":"Firefox","version":"128.0"},
         "pages":[],
         "entries":[
          {"pageref":"page_1","startedDateTime":"2026-03-01T11:00:00.000+01:00","request":{"bodySize":13,"method":"POST","url":"http://localhost:8080/search","httpVersion":"HTTP/1.1",
            "headers":[{"name":"Content-Type","value":"application/json"}],"cookies":[],"queryString":[],"headersSize":200,
            "postData":{"mimeType":"application/json","params":[],"text":"{\"q\":\"tea\"}"}},
           "response":{"status":201,"statusText":"Created","httpVersion":"HTTP/1.1","headers":[{"name":"Location","value":"/search/1"}],"cookies":[],
            "content":{"mimeType":"text/plain","size":2,"text":"ok"},"redirectURL":"","headersSize":100,"bodySize":2},
           "cache":{},"timings":{"blocked":0,"dns":0,"connect":0,"ssl":0,"send":0,"wait":12,"receive":0},"time":12,"_securityState":"insecure","serverIPAddress":"127.0.0.1","connection":"8080"},
          {"pageref":"page_1","startedDateTime":"2026-03-01T11:00:01.000+01:00","request":{"bodySize":0,"method":"GET","url":"http://tracker.example/x.gif","httpVersion":"","headers":[],"cookies":[],"queryString":[],"headersSize":0},
           "response":{"status":0,"statusText":"","httpVersion":"","headers":[],"cookies":[],"content":{"mimeType":"","size":0},"redirectURL":"","headersSize":-1,"bodySize":-1,"_blockedBy":"content-blocker"},
           "cache":{},"timings":{"blocked":-1,"dns":-1,"connect":-1,"ssl":-1,"send":0,"wait":0,"receive":0},"time":0}
         ]}}
        """;

    /// <summary>Playwright's recordHar: underscore fields, a 304 without content text, a data: URL entry.</summary>
    public const string Playwright = """
        {
          "log": {
            "version": "1.2",
            "creator": { "name": "Playwright", "version": "1.49.0" },
            "browser": { "name": "chromium", "version": "131.0" },
            "entries": [
              {
                "startedDateTime": "2026-03-01T12:00:00.000Z",
                "time": 5.5,
                "request": { "method": "GET", "url": "http://127.0.0.1:5000/doc", "httpVersion": "HTTP/1.1", "cookies": [],
                  "headers": [ { "name": "If-None-Match", "value": "\"abc\"" } ], "queryString": [], "headersSize": 120, "bodySize": 0 },
                "response": { "status": 304, "statusText": "Not Modified", "httpVersion": "HTTP/1.1", "cookies": [],
                  "headers": [ { "name": "ETag", "value": "\"abc\"" } ], "content": { "size": 0, "mimeType": "x-unknown" },
                  "headersSize": 80, "bodySize": 0, "redirectURL": "", "_transferSize": 80 },
                "cache": {},
                "timings": { "dns": -1, "connect": -1, "ssl": -1, "send": 0, "wait": 5, "receive": 0.5 },
                "pageref": "page@1", "_frameref": "frame@2", "_monotonicTime": 1234.5, "_securityDetails": {}, "serverIPAddress": "127.0.0.1", "_serverPort": 5000
              },
              {
                "startedDateTime": "2026-03-01T12:00:01.000Z", "time": 0,
                "request": { "method": "GET", "url": "data:text/plain,hi", "httpVersion": "HTTP/1.1", "cookies": [], "headers": [], "queryString": [], "headersSize": -1, "bodySize": 0 },
                "response": { "status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "cookies": [], "headers": [], "content": { "size": 2, "mimeType": "text/plain", "text": "hi" }, "headersSize": -1, "bodySize": -1, "redirectURL": "" },
                "cache": {}, "timings": { "send": 0, "wait": 0, "receive": 0 }
              }
            ]
          }
        }
        """;
}
