// The Asio names the I/O areas share. Included only by server/, upstream/ and pipeline/ .cc files
// and their headers; pure areas (http, route, providers, config) never see Asio.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace parapet {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using asio::awaitable;
// Completion token for coroutines that want (error_code, result...) instead of exceptions:
// the data plane never throws (STYLE.md habit 1).
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);
using Clock = std::chrono::steady_clock;
}  // namespace parapet
