// Peer for the benchmarks: a single-threaded uWebSockets server (uWS::App over uSockets'
// epoll loop) speaking StockPush's subscribe / price_update protocol over the same
// synthetic catalog as the Node peer and `stockpush serve --bench S:Q`: S strategies
// T0..T{S-1} of Q stocks each, every quote changing every tick. Each topic's message is
// built once per tick and handed to `publish`, which queues it for every subscriber of
// the topic; the frames carry the same fields, with the same number formats, as
// StockPush's (so frames are the same size). One timestamp per tick, seq = tick number;
// a tick the loop is too late for is skipped (the timerfd's expirations coalesce).
//
// Built by bench/peers/build-uws.sh from pinned uWebSockets/uSockets sources.
//   uws-server --port 9200 --bench 10:20 --tick-ms 100 [--compression off|shared]
#include "App.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct Options {
    int port = 9200;
    int strategies = 10;
    int perStrategy = 20;
    int tickMs = 100;
    bool sharedCompressor = false;
};

struct Client {
    // Nothing per client beyond uWS's own state: subscriptions live in its topic tree.
};

Options options;
uWS::App *app = nullptr;
uint64_t tick = 0;
std::vector<std::string> topics;
std::string message;  // reused for every topic of every tick
unsigned long nextClient = 1;

const char *argument(int argc, char **argv, const char *name, const char *fallback) {
    for (int i = 1; i + 1 < argc; i++)
        if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
    return fallback;
}

// ISO 8601 in UTC with microseconds, as StockPush writes it: 2026-01-02T03:04:05.123456Z.
std::string isoMicros() {
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    tm utc{};
    gmtime_r(&now.tv_sec, &utc);
    char text[40];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", utc.tm_year + 1900, utc.tm_mon + 1,
                  utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, now.tv_nsec / 1000);
    return text;
}

void appendf(std::string &out, const char *format, ...) __attribute__((format(printf, 2, 3)));
void appendf(std::string &out, const char *format, ...) {
    char chunk[512];
    va_list args;
    va_start(args, format);
    int count = std::vsnprintf(chunk, sizeof chunk, format, args);
    va_end(args);
    out.append(chunk, count);
}

// One topic's price_update, the bytes StockPush's bench feed produces for the same tick.
void buildUpdate(int strategy, const std::string &timestamp) {
    const char *price = tick % 2 == 0 ? "100.00" : "100.01";
    const char *change = tick % 2 == 0 ? "0.00" : "0.01";
    message.clear();
    appendf(message, R"({"type":"price_update","seq":%llu,"snapshot":false,"count":%d,"timestamp":"%s","data":[)",
            (unsigned long long)tick, options.perStrategy, timestamp.c_str());
    for (int i = 0; i < options.perStrategy; i++) {
        int code = strategy * options.perStrategy + i;
        appendf(message,
                R"(%s{"code":"S%d","name":"Bench S%d","market":"BENCH","price":%s,"prev_close":100.00,"change":%s,)"
                R"("change_percent":%s,"volume":%llu,"turnover":%llu.0,"quote_time":"%s"})",
                i == 0 ? "" : ",", code, code, price, change, change, (unsigned long long)(tick * 100),
                (unsigned long long)(tick * 10000), timestamp.c_str());
    }
    message += "]}";
}

void publishTick(us_timer_t *) {
    tick += 1;
    std::string timestamp = isoMicros();
    for (int s = 0; s < options.strategies; s++) {
        if (app->numSubscribers(topics[s]) == 0) continue;
        buildUpdate(s, timestamp);
        app->publish(topics[s], message, uWS::OpCode::TEXT, options.sharedCompressor);
    }
}

// The value of "key":"..." in a small JSON request (the load generator's and wscat's).
std::string_view field(std::string_view json, std::string_view key) {
    std::string pattern = "\"" + std::string(key) + "\":\"";
    size_t start = json.find(pattern);
    if (start == std::string_view::npos) return {};
    start += pattern.size();
    size_t end = json.find('"', start);
    return end == std::string_view::npos ? std::string_view{} : json.substr(start, end - start);
}

void handleSubscribe(uWS::WebSocket<false, true, Client> *ws, std::string_view request) {
    // Targets: "target":"T3" or "targets":["T3","T4"].
    std::vector<std::string_view> targets;
    if (auto one = field(request, "target"); !one.empty()) targets.push_back(one);
    size_t list = request.find("\"targets\":[");
    if (list != std::string_view::npos) {
        size_t end = request.find(']', list);
        std::string_view items = request.substr(list + 11, end - list - 11);
        size_t at = 0;
        while ((at = items.find('"', at)) != std::string_view::npos) {
            size_t close = items.find('"', at + 1);
            targets.push_back(items.substr(at + 1, close - at - 1));
            at = close + 1;
        }
    }
    for (std::string_view target : targets) {
        int strategy = target.size() > 1 && target[0] == 'T' ? std::atoi(std::string(target.substr(1)).c_str()) : -1;
        if (strategy < 0 || strategy >= options.strategies) {
            std::string reply = R"({"type":"error","code":"unknown_target","message":"unknown","target":")" +
                                std::string(target) + "\"}";
            ws->send(reply, uWS::OpCode::TEXT);
            continue;
        }
        ws->subscribe(topics[strategy]);
        std::string reply = R"({"type":"subscribed","subscription_type":"strategy","target":")" + std::string(target) +
                            R"(","stocks":[)";
        for (int i = 0; i < options.perStrategy; i++)
            reply += (i ? ",\"S" : "\"S") + std::to_string(strategy * options.perStrategy + i) + "\"";
        reply += "]}";
        ws->send(reply, uWS::OpCode::TEXT);
    }
}

}  // namespace

int main(int argc, char **argv) {
    options.port = std::atoi(argument(argc, argv, "--port", "9200"));
    std::sscanf(argument(argc, argv, "--bench", "10:20"), "%d:%d", &options.strategies, &options.perStrategy);
    options.tickMs = std::atoi(argument(argc, argv, "--tick-ms", "100"));
    options.sharedCompressor = std::strcmp(argument(argc, argv, "--compression", "off"), "shared") == 0;
    for (int s = 0; s < options.strategies; s++) topics.push_back("T" + std::to_string(s));

    uWS::App server;
    app = &server;
    uWS::App::WebSocketBehavior<Client> behavior{};
    behavior.compression = options.sharedCompressor ? uWS::SHARED_COMPRESSOR : uWS::DISABLED;
    behavior.maxPayloadLength = 64 * 1024;
    behavior.idleTimeout = 120;
    behavior.maxBackpressure = 16 * 1024 * 1024;
    behavior.closeOnBackpressureLimit = false;
    behavior.sendPingsAutomatically = false;
    behavior.open = [](auto *ws) {
        char id[16];
        std::snprintf(id, sizeof id, "c_%08lx", nextClient++);
        std::string hello = std::string(R"({"type":"connected","client_id":")") + id +
                            R"(","message":"connected","heartbeat_interval":30,"timestamp":")" + isoMicros() + "\"}";
        ws->send(hello, uWS::OpCode::TEXT);
    };
    behavior.message = [](auto *ws, std::string_view request, uWS::OpCode opCode) {
        if (opCode != uWS::OpCode::TEXT) {
            ws->end(1003, "binary");
            return;
        }
        std::string_view type = field(request, "type");
        if (type == "subscribe" && field(request, "subscription_type") == "strategy") {
            handleSubscribe(ws, request);
        } else if (type == "ping") {
            ws->send(R"({"type":"pong","timestamp":")" + isoMicros() + "\"}", uWS::OpCode::TEXT);
        } else {
            ws->send(R"({"type":"error","code":"unknown_type","message":"unsupported here"})", uWS::OpCode::TEXT);
        }
    };
    server.ws<Client>("/ws/stock/prices", std::move(behavior)).listen("127.0.0.1", options.port, [](auto *socket) {
        if (!socket) {
            std::fprintf(stderr, "uws peer: cannot listen on port %d\n", options.port);
            std::exit(1);
        }
        std::fprintf(stderr, "uws peer on 127.0.0.1:%d: %dx%d, tick %d ms, compression %s\n", options.port,
                     options.strategies, options.perStrategy, options.tickMs,
                     options.sharedCompressor ? "shared" : "off");
    });

    us_timer_t *timer = us_create_timer((us_loop_t *)uWS::Loop::get(), 0, 0);
    us_timer_set(timer, publishTick, options.tickMs, options.tickMs);
    server.run();
    return 0;
}
