// This file generates the learner's version of a region: every function
// in it keeps its doc comment and signature, and its body becomes a TODO
// and a panic naming the exercise.

package exercise

import (
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"path"
	"sort"
	"strconv"
	"strings"
)

// NotWritten is the panic message of a stub of exercise id, the words a
// failing test prints. The stage's tests fail naming the exercise because
// of it.
func NotWritten(id string) string {
	return "exercise " + id + " is not written yet — go run ./tutor exercise hint " + id
}

// Stub returns src, the source of ex.File, with the bodies of the
// functions in ex's region replaced by stubs, formatted by gofmt. Lines
// outside the region are unchanged. first is the line of the first stubbed
// function's signature in the result, for "open the file at line …".
//
// An import that only the replaced bodies used would leave the file
// uncompilable, so the first stub keeps it in use with a line such as
// `_ = unix.Select`, taken from the code it replaced (an explicitly
// instantiated name for the standard packages that are all generic).
func Stub(src []byte, ex Exercise) (stub []byte, first int, err error) {
	m, err := findRegion(ex.File, src, ex.ID)
	if err != nil {
		return nil, 0, err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, ex.File, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, 0, fmt.Errorf("exercise %s: %w", ex.ID, err)
	}
	lineOf := func(p token.Pos) int { return fset.Position(p).Line }

	// The functions whose bodies go: every declaration between the markers.
	// A declaration that crosses a marker is an error in the markers.
	var funcs []*ast.FuncDecl
	for _, d := range f.Decls {
		start, end := lineOf(d.Pos()), lineOf(d.End())
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Doc != nil {
			start = lineOf(fd.Doc.Pos())
		}
		inside := start > m.Begin && end < m.End
		outside := end < m.Begin || start > m.End
		switch {
		case !inside && !outside:
			return nil, 0, fmt.Errorf("%s:%d: exercise %s: a marker cuts through a declaration (lines %d-%d); a region holds whole functions", ex.File, m.Begin, ex.ID, start, end)
		case inside:
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				funcs = append(funcs, fd)
			}
		}
	}
	if len(funcs) == 0 {
		return nil, 0, fmt.Errorf("%s:%d: exercise %s: the region holds no function with a body", ex.File, m.Begin, ex.ID)
	}

	keep := keptImports(f, funcs)
	type edit struct {
		from, to int
		text     string
	}
	var edits []edit
	for i, fd := range funcs {
		var b strings.Builder
		b.WriteString("{\n")
		for _, c := range docsMarkersIn(f, fd.Body) {
			b.WriteString(c + "\n")
		}
		if i == 0 {
			for _, l := range wrap(fmt.Sprintf("TODO(exercise %s): %s", ex.ID, ex.Write), 70) {
				fmt.Fprintf(&b, "// %s\n", l)
			}
			for _, k := range keep {
				fmt.Fprintf(&b, "%s // keeps the import in use while this is a stub; delete it\n", k)
			}
		} else {
			fmt.Fprintf(&b, "// TODO(exercise %s): this function too (see %s).\n", ex.ID, funcName(funcs[0]))
		}
		fmt.Fprintf(&b, "panic(%s)\n}", strconv.Quote(NotWritten(ex.ID)))
		edits = append(edits, edit{
			from: fset.Position(fd.Body.Lbrace).Offset,
			to:   fset.Position(fd.Body.Rbrace).Offset + 1,
			text: b.String(),
		})
	}
	out := string(src)
	for i := len(edits) - 1; i >= 0; i-- {
		e := edits[i]
		out = out[:e.from] + e.text + out[e.to:]
	}
	formatted, err := format.Source([]byte(out))
	if err != nil {
		return nil, 0, fmt.Errorf("exercise %s: the stub does not parse: %w", ex.ID, err)
	}
	first = lineOf(funcs[0].Pos())
	return formatted, first, nil
}

// funcName is "Select" or "Selector.Select".
func funcName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	t := fd.Recv.List[0].Type
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
			continue
		case *ast.IndexExpr:
			t = x.X
			continue
		case *ast.IndexListExpr:
			t = x.X
			continue
		case *ast.Ident:
			return x.Name + "." + fd.Name.Name
		}
		return fd.Name.Name
	}
}

// docsMarkersIn returns the book's excerpt markers inside body, so that a
// stub keeps them and the excerpt tool can still read the file.
func docsMarkersIn(f *ast.File, body *ast.BlockStmt) []string {
	var out []string
	for _, g := range f.Comments {
		if g.Pos() < body.Lbrace || g.End() > body.Rbrace {
			continue
		}
		for _, c := range g.List {
			if strings.HasPrefix(c.Text, docsBegin) || strings.HasPrefix(c.Text, docsEnd) {
				out = append(out, c.Text)
			}
		}
	}
	return out
}

// importName is the name a file uses for an import.
func importName(s *ast.ImportSpec) string {
	if s.Name != nil {
		return s.Name.Name
	}
	p, _ := strconv.Unquote(s.Path.Value)
	name := path.Base(p)
	if len(name) > 1 && name[0] == 'v' && strings.Trim(name[1:], "0123456789") == "" {
		name = path.Base(path.Dir(p)) // example.com/mod/v2
	}
	return name
}

// keptImports returns, for each import that only the bodies of funcs use,
// a statement that keeps it in use: `_ = x`, with x a package-level name
// those bodies used. A name called with other than one argument is surely
// a function, so `_ = x` compiles; a name called with one argument may be
// a conversion to a type, and a name in a type's place surely is one,
// which `_ = x` could not keep.
func keptImports(f *ast.File, funcs []*ast.FuncDecl) []string {
	removed := map[*ast.BlockStmt]bool{}
	for _, fd := range funcs {
		removed[fd.Body] = true
	}
	imports := map[string]bool{}
	for _, s := range f.Imports {
		if n := importName(s); n != "_" && n != "." {
			imports[n] = true
		}
	}
	pkgOf := func(n ast.Node) (*ast.SelectorExpr, string) {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return nil, ""
		}
		if id, ok := sel.X.(*ast.Ident); ok && imports[id.Name] {
			return sel, id.Name
		}
		return nil, ""
	}
	usedElsewhere := map[string]bool{}
	typeNames := map[string]bool{} // "pkg.Name" seen where a type goes
	rank := map[*ast.SelectorExpr]int{}
	var order []*ast.SelectorExpr // selectors in removed bodies, in source order
	markTypes := func(t ast.Expr) {
		if t == nil {
			return
		}
		ast.Inspect(t, func(n ast.Node) bool {
			if sel, pkg := pkgOf(n); sel != nil {
				typeNames[pkg+"."+sel.Sel.Name] = true
			}
			return true
		})
	}
	var walk func(n ast.Node, inRemoved bool)
	walk = func(n ast.Node, inRemoved bool) {
		ast.Inspect(n, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.BlockStmt:
				if removed[x] && !inRemoved {
					walk(x, true)
					return false
				}
			case *ast.CallExpr:
				if sel, _ := pkgOf(x.Fun); sel != nil && inRemoved {
					if len(x.Args) == 1 {
						rank[sel] = 1
					} else {
						rank[sel] = 0
					}
				}
			case *ast.CompositeLit:
				markTypes(x.Type)
			case *ast.ValueSpec:
				markTypes(x.Type)
			case *ast.Field:
				markTypes(x.Type)
			case *ast.TypeAssertExpr:
				markTypes(x.Type)
			case *ast.ArrayType, *ast.MapType, *ast.ChanType, *ast.StarExpr:
				markTypes(x.(ast.Expr))
			}
			if sel, pkg := pkgOf(n); sel != nil {
				if !inRemoved {
					usedElsewhere[pkg] = true
				} else {
					if _, ok := rank[sel]; !ok {
						rank[sel] = 2
					}
					order = append(order, sel)
				}
			}
			return true
		})
	}
	walk(f, false)
	best := map[string]string{}
	bestRank := map[string]int{}
	for _, sel := range order {
		pkg := sel.X.(*ast.Ident).Name
		name := pkg + "." + sel.Sel.Name
		r := rank[sel]
		if usedElsewhere[pkg] || typeNames[name] {
			continue
		}
		if old, ok := bestRank[pkg]; !ok || r < old {
			best[pkg], bestRank[pkg] = name, r
		}
	}
	var keep []string
	for pkg, name := range best {
		if generic, ok := genericOnly[pkg]; ok {
			keep = append(keep, generic)
			continue
		}
		keep = append(keep, "_ = "+name)
	}
	sort.Strings(keep)
	return keep
}

// genericOnly keeps in use the standard packages whose functions are all
// generic: `_ = iter.Pull` does not compile without type arguments.
var genericOnly = map[string]string{
	"iter":   "var _ iter.Seq[int]",
	"slices": "_ = slices.Equal[[]int]",
	"maps":   "_ = maps.Clone[map[int]int]",
	"cmp":    "_ = cmp.Compare[int]",
}

// wrap breaks Markdown text into lines of at most width characters (a
// longer word gets a line of its own).
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		switch {
		case line == "":
			line = w
		case len(line)+1+len(w) > width:
			lines = append(lines, line)
			line = w
		default:
			line += " " + w
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
