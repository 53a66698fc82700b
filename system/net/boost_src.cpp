// Asio's and Beast's compiled parts, once for every binary that links
// bridgesim_net: BOOST_ASIO_SEPARATE_COMPILATION and
// BOOST_BEAST_SEPARATE_COMPILATION (system/net/CMakeLists.txt, PUBLIC) keep
// them out of each TU that includes Asio or Beast.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
// Asio's SSL engine (system/net/tls.cpp, the probe's wss:// and https://):
// under separate compilation its definitions live here too.
#include <boost/asio/ssl/impl/src.hpp>
