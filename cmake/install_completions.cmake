# Runs at install time (cmake/install.cmake): the built binary prints its
# bash, zsh and fish completion scripts, which are installed where each
# shell's Debian package looks. CONTRABAND_BUILT_BINARY,
# CONTRABAND_COMPLETIONS_WORK and CONTRABAND_DATADIR come from install.cmake.
# A folder of this run's own: `cmake --install` and `cpack` may run at once.
# (string(RANDOM) is seeded by the clock, so the destination is in the name.)
string(RANDOM LENGTH 12 run)
string(SHA1 run "$ENV{DESTDIR}|${CMAKE_INSTALL_PREFIX}|${run}")
set(CONTRABAND_COMPLETIONS_WORK "${CONTRABAND_COMPLETIONS_WORK}/${run}")
file(MAKE_DIRECTORY "${CONTRABAND_COMPLETIONS_WORK}")
foreach(shell_file IN ITEMS "bash;contraband;bash-completion/completions"
                            "zsh;_contraband;zsh/vendor-completions"
                            "fish;contraband.fish;fish/vendor_completions.d")
  list(GET shell_file 0 shell)
  list(GET shell_file 1 name)
  list(GET shell_file 2 folder)
  set(script "${CONTRABAND_COMPLETIONS_WORK}/${shell}/${name}")
  file(MAKE_DIRECTORY "${CONTRABAND_COMPLETIONS_WORK}/${shell}")
  # A sanitizer build must not fail the install over a report at exit.
  execute_process(
    COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=0
            "${CONTRABAND_BUILT_BINARY}" -o "${script}" completions ${shell}
    RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "contraband completions ${shell} failed (${status})")
  endif()
  file(INSTALL DESTINATION "${CMAKE_INSTALL_PREFIX}/${CONTRABAND_DATADIR}/${folder}"
       TYPE FILE PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
       FILES "${script}")
endforeach()
file(REMOVE_RECURSE "${CONTRABAND_COMPLETIONS_WORK}")
