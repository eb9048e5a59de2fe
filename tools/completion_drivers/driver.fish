function __stripecli_profiles
    set -l f
    if set -q STRIPECLI_CONFIG_DIR; and test -n "$STRIPECLI_CONFIG_DIR"
        set f (string replace -r '^~' -- $HOME $STRIPECLI_CONFIG_DIR)/profiles.toml
    else if test (uname) = Darwin
        set f "$HOME/Library/Application Support/stripecli/profiles.toml"
    else if set -q XDG_CONFIG_HOME; and test -n "$XDG_CONFIG_HOME"
        set f $XDG_CONFIG_HOME/stripecli/profiles.toml
    else
        set f $HOME/.config/stripecli/profiles.toml
    end
    test -r "$f"; or return 0
    set -l names
    while read -l line
        set -l m (string match -r -- '^\s*\[profiles\.(?|"([^"]+)"|\'([^\']+)\'|([A-Za-z0-9_-]+))' "$line")
        if test (count $m) -ge 2; and not contains -- $m[2] $names
            set -a names $m[2]
        end
    end <$f
    test (count $names) -gt 0; and printf '%s\n' $names
end

function __stripecli_complete
    set -l W (commandline -opc)
    set -e W[1]
    set -l cur (commandline -ct)
    set -l cpath ''
    set -l leaf ''
    set -l toks
    set -l pspec .
    set -l skip ''
    set -l dd 0
    set -l pos 0
    for w in $W
        if test -n "$skip"
            set skip ''
            continue
        end
        if test -n "$leaf"
            if test $dd = 1
                set pos (math $pos + 1)
                continue
            end
            if test "$w" = --
                set dd 1
            else if string match -q -- '-*=*' "$w"
            else if string match -q -- '-*' "$w"
                if string match -q -- "$w=*" $toks
                    set skip $w
                end
            else
                set pos (math $pos + 1)
            end
        else if string match -q -- '-*' "$w"
            set -l gkey $cpath
            test -n "$gkey"; or set gkey .
            if contains -- $w (string split -n ' ' -- (__stripecli_group_valued $gkey))
                set skip $w
            end
        else if not string match -q -- '-*' "$w"
            set -l key $w
            test -n "$cpath"; and set key "$cpath $w"
            set -l target (__stripecli_alias $key)
            test -n "$target"; and set key $target
            set -l kids (__stripecli_children $key)
            if test -n "$kids"
                set cpath $key
            else
                set -l record (__stripecli_leaf $key)
                test -n "$record"; or return 0
                set -l rec (string split -n ' ' -- "$record")
                set cpath $key
                set leaf $key
                set pspec $rec[2]
                set toks $rec
                set -e toks[1..2]
                if test "$rec[1]" != 0
                    set -l globals (__stripecli_globals $rec[1])
                    set -a toks (string split -n ' ' -- "$globals")
                end
                set -a toks -h --help
            end
        end
    end

    set -l vref ''
    set -l vpre ''
    set -l value 0
    if test -n "$skip"
        set value 1
        if test -n "$leaf"
            set -l m (string match -- "$skip=*" $toks)
            test -n "$m"; and set vref (string replace -- "$skip=" '' "$m[1]")
        else if test "$skip" = --profile
            set vref p
        end
    else if string match -q -- '-*=*' "$cur"
        set value 1
        set -l f (string split -m 1 = -- "$cur")[1]
        set vpre "$f="
        if test -n "$leaf"
            set -l m (string match -- "$f=*" $toks)
            test -n "$m"; and set vref (string replace -- "$f=" '' "$m[1]")
        else if test "$f" = --profile
            set vref p
        end
    else if test -n "$leaf"
        if not string match -q -- '-*' "$cur"; and test "$pspec" != .
            set -l entries (string split , -- $pspec)
            set -l e ''
            if test $pos -lt (count $entries)
                set e $entries[(math $pos + 1)]
            else if string match -q -r -- '\*$' "$entries[-1]"
                set e $entries[-1]
            end
            if test -n "$e"
                set value 1
                set vref (string replace -- '*' '' "$e")
                test "$vref" = -; and set vref ''
            end
        end
        if test $value = 0
            string replace -r '=.*' '' -- $toks
            return 0
        end
    else
        set -l key $cpath
        test -n "$key"; or set key .
        if string match -q -- '-*' "$cur"
            __stripecli_group_flags $key
            printf '%s\n' -h --help
            return 0
        end
        set -l kids (__stripecli_children $key)
        for w in (string split -n ' ' -- "$kids")
            set -l p $w
            test -n "$cpath"; and set p "$cpath $w"
            printf '%s\t%s\n' $w (__stripecli_desc $p)
        end
        if test -n "$cur"
            set -l hidden (__stripecli_hidden $key)
            for w in (string split -n ' ' -- "$hidden")
                set -l p $w
                test -n "$cpath"; and set p "$cpath $w"
                printf '%s\t%s\n' $w (__stripecli_desc (__stripecli_alias $p))
            end
        end
        return 0
    end
    if test "$vref" = p
        for v in (__stripecli_profiles)
            printf "%s\n" "$vpre$v"
        end
    else if string match -q -r -- '^[0-9]+$' "$vref"
        set -l values (__stripecli_values $vref)
        for v in (string split -n ' ' -- "$values")
            printf "%s\n" "$vpre$v"
        end
    end
end

complete -c stripecli -e
complete -c stripecli -f -a '(__stripecli_complete)'
