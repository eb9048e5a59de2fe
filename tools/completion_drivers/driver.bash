# Profile names from profiles.toml ([profiles.NAME] and [profiles.NAME.MODE] headers).
_stripecli_profiles() {
  _stripecli_r=''
  local f line name
  if [[ -n ${STRIPECLI_CONFIG_DIR-} ]]; then
    f=${STRIPECLI_CONFIG_DIR/#\~/$HOME}/profiles.toml
  elif [[ ${OSTYPE-} == darwin* ]]; then
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
      \"*) name=${name#\"}; name=${name%%\"*} ;;
      \'*) name=${name#\'}; name=${name%%\'*} ;;
      *) name=${name%%[].[:space:]]*} ;;
    esac
    [[ -n $name && " $_stripecli_r " != *" $name "* ]] && _stripecli_r+="${_stripecli_r:+ }$name"
  done < "$f"
  return 0
}

# Adds the words of $1 that start with $2 to COMPREPLY, each prefixed with $3; $4=q quotes them.
_stripecli_add() {
  local -a items
  local w
  IFS=' ' read -r -a items <<< "$1"
  for w in ${items[@]+"${items[@]}"}; do
    [[ $w == "$2"* ]] || continue
    if [[ $4 == q && $w == *[!A-Za-z0-9_.+/@%:,=-]* ]]; then
      printf -v w '%q' "$w"
    fi
    COMPREPLY+=("$3$w")
  done
}

_stripecli() {
  COMPREPLY=()
  local IFS=$' \t\n'
  local -a W=()
  local j w n join=0
  # Rejoin "--flag" "=" "value" (bash splits words at = when COMP_WORDBREAKS holds it).
  for ((j = 1; j <= COMP_CWORD; j++)); do
    w=${COMP_WORDS[j]}
    n=${#W[@]}
    if ((join)); then
      W[n-1]+=$w
      join=0
      continue
    fi
    if [[ $w == '=' ]] && ((n > 0)) && [[ ${W[n-1]} == -* && ${W[n-1]} != *=* ]]; then
      W[n-1]+='='
      ((j < COMP_CWORD)) && join=1
      continue
    fi
    W+=("$w")
  done
  n=${#W[@]}
  ((n > 0)) || return 0
  local cur=${W[n-1]}
  local cpath='' key leaf='' pspec='' toks='' skip='' rest gid i dd=0 pos=0 v s
  for ((i = 0; i < n - 1; i++)); do
    w=${W[i]}
    if [[ -n $skip ]]; then
      skip=''
      continue
    fi
    if [[ -n $leaf ]]; then
      if ((dd)); then
        pos=$((pos + 1))
        continue
      fi
      case $w in
        --) dd=1 ;;
        -*=*) ;;
        -*) [[ " $toks " == *" $w="* ]] && skip=$w ;;
        *) pos=$((pos + 1)) ;;
      esac
    else
      case $w in
        -*) _stripecli_group_valued "${cpath:-.}" && [[ " $_stripecli_r " == *" $w "* ]] && skip=$w ;;
        *)
          key=${cpath:+$cpath }$w
          _stripecli_alias "$key" && key=$_stripecli_r
          if _stripecli_children "$key"; then
            cpath=$key
          elif _stripecli_leaf "$key"; then
            cpath=$key
            leaf=$_stripecli_r
            gid=${leaf%% *}
            rest=${leaf#* }
            pspec=${rest%% *}
            toks=${rest#"$pspec"}
            if [[ $gid != 0 ]]; then
              _stripecli_globals "$gid"
              toks+=" $_stripecli_r"
            fi
            toks+=' -h --help'
          else
            return 0
          fi
          ;;
      esac
    fi
  done

  local vref='' vcur=$cur vpre='' f
  local value=0
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
    vcur=${cur#*=}
    [[ $COMP_WORDBREAKS == *=* ]] || vpre="$f="
    if [[ -n $leaf && " $toks " == *" $f="* ]]; then
      s=" $toks "
      s=${s#*" $f="}
      vref=${s%% *}
    elif [[ $f == --profile ]]; then
      vref=p
    fi
  elif [[ -n $leaf ]]; then
    if [[ $cur != -* && $pspec != . ]]; then
      local -a entries
      IFS=',' read -r -a entries <<< "$pspec"
      local e=''
      if ((pos < ${#entries[@]})); then
        e=${entries[pos]}
      elif [[ ${entries[${#entries[@]}-1]} == *'*' ]]; then
        e=${entries[${#entries[@]}-1]}
      fi
      if [[ -n $e ]]; then
        value=1
        vref=${e%'*'}
        [[ $vref == - ]] && vref=''
      fi
    fi
    if ((!value)); then
      s=''
      for w in $toks; do
        s+=" ${w%%=*}"
      done
      _stripecli_add "$s" "$cur" ''
      return 0
    fi
  else
    key=${cpath:-.}
    if [[ $cur == -* ]]; then
      _stripecli_group_flags "$key"
      _stripecli_add "$_stripecli_r -h --help" "$cur" ''
    else
      _stripecli_children "$key"
      _stripecli_add "$_stripecli_r" "$cur" ''
      if [[ -n $cur ]] && _stripecli_hidden "$key"; then
        _stripecli_add "$_stripecli_r" "$cur" ''
      fi
    fi
    return 0
  fi
  # A flag's or an argument's value.
  case $vref in
    p) _stripecli_profiles; _stripecli_add "$_stripecli_r" "$vcur" "$vpre" q ;;
    [0-9]*) _stripecli_values "$vref"; _stripecli_add "$_stripecli_r" "$vcur" "$vpre" q ;;
  esac
  return 0
}

complete -F _stripecli stripecli
