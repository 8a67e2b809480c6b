# Makes OUTPUT, a copy of Debian's libevtx.a (INPUT) whose bundled libyal
# support libraries (libcdata, libcerror, libfdata, libfvalue, libuna, ...)
# have their symbols renamed with a "contraband_evtx_" prefix. libewf.a,
# libvmdk.a and the other libyal archives bundle older copies of the same
# libraries under the same names, and their functions differ (154 of the
# 1383 shared names differ in size between libevtx.a 20181227 and libewf.a
# 20140813): linked together, libevtx would run whichever copy the linker
# met first. Renamed, libevtx runs the code it was built with; its own API
# (libevtx_*) and the libbfio it reads through keep their names.
#   cmake -DINPUT=... -DOUTPUT=... -DNM=... -DOBJCOPY=... -P private_libevtx.cmake
execute_process(COMMAND ${NM} -g --defined-only ${INPUT}
  OUTPUT_VARIABLE symbols ERROR_QUIET RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nm cannot list ${INPUT}")
endif()
string(REGEX MATCHALL "[0-9a-fA-F]+ [A-Za-z] [A-Za-z_][A-Za-z0-9_]*" lines "${symbols}")
set(map "")
foreach(line IN LISTS lines)
  string(REGEX REPLACE "^[0-9a-fA-F]+ [A-Za-z] " "" sym "${line}")
  if(NOT sym MATCHES "^libevtx_")
    string(APPEND map "${sym} contraband_evtx_${sym}\n")
  endif()
endforeach()
file(WRITE ${OUTPUT}.syms "${map}")
execute_process(COMMAND ${OBJCOPY} --redefine-syms=${OUTPUT}.syms ${INPUT} ${OUTPUT}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "objcopy cannot rename the symbols of ${INPUT}")
endif()
