#include "js.hpp"

#include <emscripten/em_js.h>
#include <emscripten/em_macros.h>

namespace peerline::browser {
namespace {

// Handles in and out are Embind's: inputs are borrowed, the result is a new reference that C++
// takes over. The result is {ok, value} or {ok: false, error: String(e)}.
EM_JS(emscripten::EM_VAL, peerline_try_apply,
      (emscripten::EM_VAL target_handle, emscripten::EM_VAL method_handle,
       emscripten::EM_VAL args_handle), {
    var target = Emval.toValue(target_handle);
    try {
        var method = Emval.toValue(method_handle);
        var args = Emval.toValue(args_handle);
        return Emval.toHandle({ok : true, value : target[method].apply(target, args)});
    } catch (e) {
        return Emval.toHandle({ok : false, error : String(e)});
    }
});

// Entries from JS into C++ are counted; when the outermost one ends by a throw, the shell is
// told (Module.recoverAfterThrow) and the exception goes on to the page as before.
EM_JS(emscripten::EM_VAL, peerline_guard, (emscripten::EM_VAL fn_handle), {
    var fn = Emval.toValue(fn_handle);
    return Emval.toHandle(function() {
        Module.peerlineDepth = (Module.peerlineDepth || 0) + 1;
        var returned = false;
        try {
            var result = fn.apply(null, arguments);
            returned = true;
            return result;
        } finally {
            Module.peerlineDepth -= 1;
            if (!returned && Module.peerlineDepth === 0) Module["recoverAfterThrow"]();
        }
    });
});

Outcome unpack(val result) {
    if (result["ok"].as<bool>()) return Outcome{true, result["value"], {}};
    return Outcome{false, val::undefined(), result["error"].as<std::string>()};
}

}  // namespace

val guarded(const val& fn) { return val::take_ownership(peerline_guard(fn.as_handle())); }

Outcome try_call(const val& target, const char* method, const val& args) {
    val name(method);
    return unpack(val::take_ownership(
        peerline_try_apply(target.as_handle(), name.as_handle(), args.as_handle())));
}

Outcome try_construct(const char* global_constructor, const val& args) {
    return try_call(val::global("Reflect"), "construct",
                    array_of(val::global(global_constructor), args));
}

std::string describe(const val& value) {
    return val::global("String")(value).as<std::string>();
}

}  // namespace peerline::browser
