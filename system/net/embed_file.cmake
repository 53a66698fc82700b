# Writes a C++ source defining `std::string_view NAMESPACE::FUNCTION()` that
# returns the bytes of INPUT exactly (as a char array, so no byte of the file
# can end a literal early). Run at build time by add_custom_command.
# Usage: cmake -DINPUT=f -DOUTPUT=f.cpp -DHEADER=h.hpp -DNAMESPACE=ns -DFUNCTION=fn -P embed_file.cmake
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR byte_count "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
# 16 bytes a line keeps the generated file readable (CMake regexes have no {16}).
string(REPEAT "'\\\\x[0-9a-f][0-9a-f]'," 16 line_of_bytes)
string(REGEX REPLACE "(${line_of_bytes})" "\\1\n    " bytes "${bytes}")
get_filename_component(input_name "${INPUT}" NAME)
file(WRITE "${OUTPUT}.tmp" "// Generated from ${input_name} by embed_file.cmake: edit the file, not this.
#include \"${HEADER}\"

namespace ${NAMESPACE} {

std::string_view ${FUNCTION}() {
  static constexpr char kBytes[${byte_count} + 1] = {
    ${bytes}'\\0'};
  return {kBytes, ${byte_count}};
}

}  // namespace ${NAMESPACE}
")
# Only a changed file touches the output, so an unchanged page recompiles nothing.
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
