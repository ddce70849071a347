-- wrk script of bench/run's POST scenario: scenario 2's request behind the
-- bearer token that bench/run puts in $TOKEN (cmd/token).
wrk.method = "POST"
wrk.body = '{"name":"Hammer","price":12.5,"quantity":3,"category":"tools","sku":"HAM-0001"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Token"] = "secret-token"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
