_stripecli_profiles() {
  reply=()
  local f line name
  if [[ -n ${STRIPECLI_CONFIG_DIR-} ]]; then
    f=${STRIPECLI_CONFIG_DIR/#\~/$HOME}/profiles.toml
  elif [[ $OSTYPE == darwin* ]]; then
    f="$HOME/Library/Application Support/stripecli/profiles.toml"
  else
    f=${XDG_CONFIG_HOME:-$HOME/.config}/stripecli/profiles.toml
  fi
  [[ -r $f ]] || return 0
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line#"${line%%[![:space:]]*}"}
    [[ $line == '[profiles.'* ]] || continue
    name=${line#'[profiles.'}
    case $name in
      (\"*) name=${name#\"}; name=${name%%\"*} ;;
      (\'*) name=${name#\'}; name=${name%%\'*} ;;
      (*) name=${name%%[].[:space:]]*} ;;
    esac
    [[ -n $name ]] && (( ${reply[(Ie)$name]} == 0 )) && reply+=("$name")
  done < "$f"
  return 0
}

_stripecli() {
  local -a W entries vals descs
  W=("${(@)words[2,CURRENT]}")
  local n=${#W}
  (( n > 0 )) || return 1
  local cur=${W[n]}
  local cpath='' key leaf='' pspec='' toks='' skip='' rest gid w s f e vref='' i dd=0 pos=0 value=0
  for (( i = 1; i < n; i++ )); do
    w=${W[i]}
    if [[ -n $skip ]]; then
      skip=''
      continue
    fi
    if [[ -n $leaf ]]; then
      if (( dd )); then
        (( pos++ ))
        continue
      fi
      case $w in
        (--) dd=1 ;;
        (-*=*) ;;
        (-*) [[ " $toks " == *" $w="* ]] && skip=$w ;;
        (*) (( pos++ )) ;;
      esac
    else
      case $w in
        (-*) [[ " ${_stripecli_group_valued[${cpath:-.}]-} " == *" $w "* ]] && skip=$w ;;
        (*)
          key=${cpath:+$cpath }$w
          (( ${+_stripecli_alias[$key]} )) && key=${_stripecli_alias[$key]}
          if (( ${+_stripecli_children[$key]} )); then
            cpath=$key
          elif (( ${+_stripecli_leaf[$key]} )); then
            cpath=$key
            leaf=${_stripecli_leaf[$key]}
            gid=${leaf%% *}
            rest=${leaf#* }
            pspec=${rest%% *}
            toks=${rest#"$pspec"}
            [[ $gid != 0 ]] && toks+=" ${_stripecli_globals[$gid]}"
            toks+=' -h --help'
          else
            return 1
          fi
          ;;
      esac
    fi
  done

  if [[ -n $skip ]]; then
    value=1
    if [[ -n $leaf ]]; then
      s=" $toks "
      s=${s#*" $skip="}
      vref=${s%% *}
    elif [[ $skip == --profile ]]; then
      vref=p
    fi
  elif [[ $cur == -*=* ]]; then
    value=1
    f=${cur%%=*}
    compset -P '*='
    if [[ -n $leaf && " $toks " == *" $f="* ]]; then
      s=" $toks "
      s=${s#*" $f="}
      vref=${s%% *}
    elif [[ $f == --profile ]]; then
      vref=p
    fi
  elif [[ -n $leaf ]]; then
    if [[ $cur != -* && $pspec != . ]]; then
      entries=("${(@s:,:)pspec}")
      e=''
      if (( pos < ${#entries} )); then
        e=${entries[pos+1]}
      elif [[ ${entries[-1]} == *'*' ]]; then
        e=${entries[-1]}
      fi
      if [[ -n $e ]]; then
        value=1
        vref=${e%'*'}
        [[ $vref == - ]] && vref=''
      fi
    fi
    if (( !value )); then
      compadd -- ${${=toks}%%=*}
      return
    fi
  else
    key=${cpath:-.}
    if [[ $cur == -* ]]; then
      compadd -- ${=_stripecli_group_flags[$key]} -h --help
      return
    fi
    descs=()
    for w in ${=_stripecli_children[$key]}; do
      s=${cpath:+$cpath }$w
      descs+=("$w:${_stripecli_desc[$s]}")
    done
    if [[ -n $PREFIX ]]; then
      for w in ${=_stripecli_hidden[$key]}; do
        s=${_stripecli_alias[${cpath:+$cpath }$w]}
        descs+=("$w:${_stripecli_desc[$s]}")
      done
    fi
    _describe -t commands 'stripecli command' descs
    return
  fi
  case $vref in
    (p) _stripecli_profiles; compadd -a reply ;;
    (<->) vals=(${=_stripecli_values[$vref]}); compadd -a vals ;;
    (*) return 1 ;;
  esac
}

if [[ $funcstack[1] == _stripecli ]]; then
  _stripecli "$@"
else
  compdef _stripecli stripecli
fi
