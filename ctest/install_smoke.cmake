# Installs the build tree into a scratch prefix, then builds and runs one
# program with pkg-config flags and one CMake project using find_package.
# Arguments: BUILD_DIR WORK_DIR SMOKE_SRC C_COMPILER.

function(run)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
        string(JOIN " " cmd ${ARGN})
        message(FATAL_ERROR "failed (${rc}): ${cmd}\n${out}\n${err}")
    endif()
    set(RUN_OUT "${out}" PARENT_SCOPE)
endfunction()

set(prefix "${WORK_DIR}/prefix")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
run("${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}")

foreach(f lib/libiec61850.so.1.6.1 lib/libiec61850.so lib/libiec61850.a
          include/libiec61850/iec61850_client.h lib/pkgconfig/libiec61850.pc
          lib/cmake/iec61850/iec61850Config.cmake lib/cmake/iec61850/iec61850ConfigVersion.cmake)
    if(NOT EXISTS "${prefix}/${f}")
        message(FATAL_ERROR "not installed: ${f}")
    endif()
endforeach()
if(NOT IS_SYMLINK "${prefix}/lib/libiec61850.so")
    message(FATAL_ERROR "lib/libiec61850.so is not a symlink")
endif()

# pkg-config
set(ENV{PKG_CONFIG_PATH} "${prefix}/lib/pkgconfig")
run(pkg-config --cflags --libs libiec61850)
string(STRIP "${RUN_OUT}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
run("${C_COMPILER}" "${SMOKE_SRC}/smoke.c" ${flags} -o "${WORK_DIR}/smoke_pkgconfig")
set(ENV{LD_LIBRARY_PATH} "${prefix}/lib")
run("${WORK_DIR}/smoke_pkgconfig")
message(STATUS "pkg-config: ${RUN_OUT}")

# find_package
run("${CMAKE_COMMAND}" -S "${SMOKE_SRC}" -B "${WORK_DIR}/cmake_build"
    "-DCMAKE_PREFIX_PATH=${prefix}" "-DCMAKE_C_COMPILER=${C_COMPILER}")
run("${CMAKE_COMMAND}" --build "${WORK_DIR}/cmake_build")
unset(ENV{LD_LIBRARY_PATH})
run("${WORK_DIR}/cmake_build/smoke")
message(STATUS "find_package: ${RUN_OUT}")
run("${WORK_DIR}/cmake_build/smoke_static")
message(STATUS "find_package, static: ${RUN_OUT}")
