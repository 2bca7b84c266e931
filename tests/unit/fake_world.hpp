// A test world for the core: several Apps, an in-memory relay that speaks the real protocol
// (same C++ as the server), and a fake browser per App that executes actions and answers with
// the events a real browser would send, using real Chromium descriptions from the SDP corpus.
// Time is a fake clock: timers fire only when a test says so.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "app.hpp"

namespace peerline::testing {

// A file of the test corpus (tests/fixtures/...), read whole.
std::string fixture(const std::string& relative_path);

class FakeWorld {
public:
    struct Options {
        bool media_fails = false;      // getUserMedia rejects
        bool pcs_connect = true;       // peer connections reach "connected" when negotiated
        bool media_is_slow = false;    // MediaReady is held until release_media()
        // setRemoteDescription answers (RemoteDescriptionSet) only at release_remote_descriptions().
        bool remote_descriptions_are_slow = false;
        bool has_camera = true;        // MediaReady says whether a camera track came
        // Whose descriptions the fake browser writes for data links, and what its send() takes:
        // Chromium says and sends at most 262144 bytes; Firefox says 1073741823.
        bool firefox = false;
        // RTCSctpTransport.maxMessageSize reported with ChannelOpened (0: the browser has none).
        bool reports_transport_limit = false;
        // send() on a data channel throws this (DOMException text) for every binary / text
        // message when set.
        std::string binary_send_throws;
        std::string text_send_throws;
        // The browser's voice store (IndexedDB): what earlier visits kept, whether there is one
        // at all, and whether a write fails (VoiceStored{ok: false}) with this reason.
        std::vector<voice_mail::Record> stored_voices;
        bool voice_storage_missing = false;
        std::string voice_store_fails;
        // An older page: voice messages on the control channel never reach its core.
        bool ignores_voice = false;
    };

    // Connects a new client named `name` and runs the world until quiet. Returns its index.
    int join(const std::string& name, Options options);
    int join(const std::string& name) { return join(name, Options{}); }
    // The client's socket closes; the relay tells everyone else (peer-left).
    void leave(int client);
    // The server goes away for everyone (clients see their socket close) and stays away until
    // start_server(); restart_server() is both at once. Clients reconnect on their timers.
    void stop_server();
    void start_server() { server_up_ = true; }
    void restart_server() { stop_server(); start_server(); }

    void send(int client, Event event);  // an event for one client, then run until quiet
    void run();                          // deliver everything queued, bounded in steps

    // Fake clock: fire the running timer that was started with `ms`, as if that time passed.
    // Returns false if no such timer is running.
    bool fire_timer(int client, int ms);
    void release_media(int client);      // deliver a held MediaReady
    void release_remote_descriptions(int client);  // finish the setRemoteDescriptions held
    // Deliver raw text to a client as if it came from the server.
    void server_says(int client, const std::string& text);
    // The browser reports a connection state for the client's current peer connection.
    void set_pc_state(int client, const std::string& state);
    // Both clients' messages are held (not delivered) until release_held(): for races.
    void hold_messages(bool hold) { hold_ = hold; }
    void release_held();

    // The user picks files for `peer` (in-memory contents); returns the pick number.
    int choose_files(int client, const std::string& peer_id,
                     const std::vector<std::pair<std::string, std::string>>& named_contents);
    // A file the client received and kept (CloseFileSink{keep}), by sink key; nullptr if none.
    const std::string* saved_file(int client, const std::string& sink) const;
    // Bytes in flight on data channels are corrupted: the n-th binary message (from now, 1-based)
    // a client sends gets one byte flipped.
    void corrupt_binary_message(int n) { corrupt_countdown_ = n; }
    // The n-th binary message from now is lost with its link: both ends' connections close and
    // each page hears its channels close (a network that dies mid-transfer).
    void cut_link_at_binary_message(int n) { cut_countdown_ = n; }

    // What the client's browser holds in its voice store now, by key.
    const std::map<std::string, voice_mail::Record>& voice_store(int client) const;
    std::vector<voice_mail::Record> voice_records(int client) const;  // the same, as a list

    const View& view(int client) const;
    const std::string& id(int client) const;
    const std::vector<Action>& log(int client) const;  // every action the client asked for
    int open_pcs(int client) const;                     // peer connections not closed
    template <typename A>
    std::vector<A> actions(int client) const;
    template <typename A>
    std::size_t count(int client) const { return actions<A>(client).size(); }

private:
    struct FakePc {
        bool local_set = false;
        bool remote_set = false;
        int remote_candidates = 0;
        bool connected = false;
        bool closed = false;
        int remote_client = -1;          // whose description it took (for data channels)
        std::set<int> data_channels;     // negotiated ids created on it
        int trackless_senders = 0;       // AddTransceiver, not yet filled by AttachLocalTracks
        bool channels_open = false;
    };
    struct Sink {
        std::string bytes;
        bool kept = false;
    };
    struct Client {
        std::unique_ptr<App> app;
        Options options;
        std::string id;
        std::string name;
        bool said_hello = false;
        bool socket_open = false;
        bool gone = false;             // left for good
        std::vector<Action> log;
        std::map<int, FakePc> pcs;
        std::map<int, int> timers;     // timer id → ms
        bool media_held = false;
        std::vector<int> remote_descriptions_held;  // pcs whose setRemoteDescription is pending
        int signal_from = -1;          // sender of the signal being handled now
        std::map<int, std::vector<std::string>> picks;  // files the user chose
        std::map<std::string, Sink> sinks;
        std::map<std::string, voice_mail::Record> voice_store;
    };

    void execute(int client, const Action& action);
    void relay(int from, const std::string& text);
    void deliver(int client, const std::string& text);
    int client_by_id(const std::string& id) const;
    void maybe_connect(int client, int pc);
    void open_channels(int client, int pc);
    std::uint64_t own_send_limit(int client) const;
    bool send_throws(int client, int pc, int channel, bool binary, std::size_t size, std::string head);
    // The pc on the other side of client's pc `pc`, as (client, pc), or (-1, 0).
    std::pair<int, int> far_end(int client, int pc) const;

    std::vector<Client> clients_;
    std::deque<std::pair<int, Event>> queue_;
    bool server_up_ = true;
    bool hold_ = false;
    std::vector<std::pair<int, std::string>> held_;
    int next_pick_ = 1000;
    int corrupt_countdown_ = 0;
    int cut_countdown_ = 0;
};

template <typename A>
std::vector<A> FakeWorld::actions(int client) const {
    std::vector<A> out;
    for (const auto& a : log(client)) {
        if (const auto* x = std::get_if<A>(&a)) out.push_back(*x);
    }
    return out;
}

}  // namespace peerline::testing
