# Installs the CUPS filter where cupsd looks for filters, its MIME type and
# conversion rules, and the man pages. Included by CMakeLists.txt.
#
# cupsd (running as root) refuses to run a filter that is not owned by root
# or that group or others can write, and checks the directories above it the
# same way ("has insecure permissions" in error_log). So the filter goes in
# with mode 0755 and, when the install runs as root, owner root:root.
#
# Cache variables:
#   XR_CUPS_SERVERBIN  CUPS ServerBin; filters go to <it>/filter.
#                      Default: `cups-config --serverbin`, else /usr/lib/cups.
#   XR_CUPS_DATADIR    CUPS DataDir; .types/.convs go to <it>/mime.
#                      Default: `cups-config --datadir`, else /usr/share/cups.
# Relative values are taken under CMAKE_INSTALL_PREFIX (for staging without
# root); absolute values honour DESTDIR.

find_program(XR_CUPS_CONFIG cups-config)
if(NOT XR_CUPS_SERVERBIN)
  set(_sb "")
  if(XR_CUPS_CONFIG)
    execute_process(COMMAND ${XR_CUPS_CONFIG} --serverbin
      OUTPUT_VARIABLE _sb OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  endif()
  if(NOT _sb)
    set(_sb /usr/lib/cups)
  endif()
  set(XR_CUPS_SERVERBIN ${_sb} CACHE PATH "CUPS ServerBin directory")
endif()
if(NOT XR_CUPS_DATADIR)
  set(_dd "")
  if(XR_CUPS_CONFIG)
    execute_process(COMMAND ${XR_CUPS_CONFIG} --datadir
      OUTPUT_VARIABLE _dd OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  endif()
  if(NOT _dd)
    set(_dd /usr/share/cups)
  endif()
  set(XR_CUPS_DATADIR ${_dd} CACHE PATH "CUPS DataDir directory")
endif()

if(TARGET xpstoraster)
  install(TARGETS xpstoraster
    RUNTIME DESTINATION ${XR_CUPS_SERVERBIN}/filter
    PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
                GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
  # CMake cannot set an owner; do it here when we can, and say so when not.
  install(CODE "
    if(IS_ABSOLUTE \"${XR_CUPS_SERVERBIN}\")
      set(_f \"\$ENV{DESTDIR}${XR_CUPS_SERVERBIN}/filter/xpstoraster\")
    else()
      set(_f \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${XR_CUPS_SERVERBIN}/filter/xpstoraster\")
    endif()
    execute_process(COMMAND id -u OUTPUT_VARIABLE _uid
                    OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(_uid STREQUAL \"0\")
      execute_process(COMMAND chown root:root \${_f} RESULT_VARIABLE _rc)
      if(NOT _rc EQUAL 0)
        message(WARNING \"could not chown root:root \${_f}\")
      endif()
    else()
      message(STATUS \"not root: \${_f} must be owned by root (mode 0755) \"
                     \"before cupsd will run it\")
    endif()
  ")
endif()

install(FILES ${CMAKE_SOURCE_DIR}/filter/cups/xpstoraster.types
              ${CMAKE_SOURCE_DIR}/filter/cups/xpstoraster.convs
  DESTINATION ${XR_CUPS_DATADIR}/mime
  PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

install(FILES ${CMAKE_SOURCE_DIR}/filter/man/xpsraster.1
              ${CMAKE_SOURCE_DIR}/filter/man/xpsnotify.1
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CMAKE_SOURCE_DIR}/filter/man/xpstoraster.8
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
