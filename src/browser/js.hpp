// Small bridges to JavaScript that every part of the shell needs: callbacks into C++ bound to
// ids, and calls that may throw without the exception unwinding through Wasm frames.
#pragma once

#include <string>
#include <utility>

#include <emscripten/val.h>

namespace peerline::browser {

using emscripten::val;

// `fn` wrapped so that a JS exception unwinding out of C++ (a val call on something the
// browser did not give) is still thrown, but no longer leaves the shell's event loop marked as
// running: with -fno-exceptions no destructor or reset runs on the way out (shell.cpp).
val guarded(const val& fn);

// A JS function that calls the C++ function exported under `name` (EMSCRIPTEN_BINDINGS) with
// `bound...` first, then whatever arguments the browser passes. DESIGN.md "Known pitfalls".
template <typename... Bound>
val callback(const char* name, Bound&&... bound) {
    return guarded(val::module_property(name).call<val>("bind", val::null(), std::forward<Bound>(bound)...));
}

// The outcome of a JS call that may throw: the value, or the thrown thing as text.
struct Outcome {
    bool ok;
    val value;        // the result; undefined when !ok
    std::string error;  // String(thrown), e.g. "InvalidStateError: The RTCPeerConnection's …"
};

// target[method](...args) with args a JS array; a JS exception becomes !ok, never unwinds Wasm.
Outcome try_call(const val& target, const char* method, const val& args);
// new constructor(...args), same rule.
Outcome try_construct(const char* global_constructor, const val& args);

// String(value): the readable form of an Error / DOMException / anything else.
std::string describe(const val& value);

// val(std::string) decodes UTF-8; val(const char*) would read Latin-1 (Embind 3.1.6).
inline val text(const std::string& utf8) { return val(utf8); }

template <typename... Items>
val array_of(Items&&... items) {
    val array = val::array();
    (array.call<void>("push", std::forward<Items>(items)), ...);
    return array;
}

}  // namespace peerline::browser
