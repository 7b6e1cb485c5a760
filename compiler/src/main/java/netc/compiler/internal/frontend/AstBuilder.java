package netc.compiler.internal.frontend;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import netc.compiler.internal.frontend.ast.Apply;
import netc.compiler.internal.frontend.ast.Argument;
import netc.compiler.internal.frontend.ast.AstNode;
import netc.compiler.internal.frontend.ast.Binary;
import netc.compiler.internal.frontend.ast.Binding;
import netc.compiler.internal.frontend.ast.Call;
import netc.compiler.internal.frontend.ast.Dim;
import netc.compiler.internal.frontend.ast.Expr;
import netc.compiler.internal.frontend.ast.Ident;
import netc.compiler.internal.frontend.ast.Index;
import netc.compiler.internal.frontend.ast.Indexed;
import netc.compiler.internal.frontend.ast.InitSpec;
import netc.compiler.internal.frontend.ast.InputDecl;
import netc.compiler.internal.frontend.ast.Loop;
import netc.compiler.internal.frontend.ast.LossDecl;
import netc.compiler.internal.frontend.ast.Name;
import netc.compiler.internal.frontend.ast.NetworkDecl;
import netc.compiler.internal.frontend.ast.Number;
import netc.compiler.internal.frontend.ast.ParamDecl;
import netc.compiler.internal.frontend.ast.Program;
import netc.compiler.internal.frontend.ast.ShapeSpec;
import netc.compiler.internal.frontend.ast.Statement;
import netc.compiler.internal.frontend.ast.StepBinding;
import netc.compiler.internal.frontend.ast.TargetDecl;
import netc.compiler.internal.frontend.ast.Unary;
import netc.grammar.NetBaseVisitor;
import netc.grammar.NetParser;
import org.antlr.v4.runtime.Token;

/**
 * Turns an error-free parse tree into {@link Program} records. Every node gets the span of its source text; this is
 * the last place a {@code ParserRuleContext} is seen.
 */
final class AstBuilder extends NetBaseVisitor<AstNode> {
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private final Spans spans;

    AstBuilder(Spans spans) {
        this.spans = spans;
    }

    Program build(NetParser.ProgramContext ctx) {
        List<Statement> statements = new ArrayList<>();
        String name = "";
        for (NetParser.StatementContext s : ctx.statement()) {
            Statement st = (Statement) visit(s);
            if (st instanceof NetworkDecl n && name.isEmpty()) {
                name = n.name().text();
            }
            statements.add(st);
        }
        return new Program(name, statements, spans.of(ctx));
    }

    @Override
    public AstNode visitNetworkDecl(NetParser.NetworkDeclContext ctx) {
        return new NetworkDecl(ident(ctx.name), spans.of(ctx));
    }

    @Override
    public AstNode visitInputDecl(NetParser.InputDeclContext ctx) {
        return new InputDecl(ident(ctx.name), shape(ctx.shape()), spans.of(ctx));
    }

    @Override
    public AstNode visitTargetDecl(NetParser.TargetDeclContext ctx) {
        return new TargetDecl(ident(ctx.name), ident(ctx.kind), shape(ctx.shape()), spans.of(ctx));
    }

    @Override
    public AstNode visitParamDecl(NetParser.ParamDeclContext ctx) {
        InitSpec init = null;
        if (ctx.init != null) {
            NetParser.InitializerContext i = ctx.init;
            init = new InitSpec(ident(i.kind), i.LPAREN() != null, arguments(i.args), spans.of(i));
        }
        return new ParamDecl(ident(ctx.name), shape(ctx.shape()), init, spans.of(ctx));
    }

    @Override
    public AstNode visitLossDecl(NetParser.LossDeclContext ctx) {
        return new LossDecl(expr(ctx.value), spans.of(ctx));
    }


    @Override
    public AstNode visitBinding(NetParser.BindingContext ctx) {
        if (ctx.step == null && ctx.loop() == null) {
            return new Binding(ident(ctx.name), expr(ctx.value), spans.of(ctx));
        }
        Loop loop = null;
        if (ctx.loop() != null) {
            NetParser.LoopContext l = ctx.loop();
            String from = l.from.getText();
            Dim lo = new Dim(whole(from.endsWith("..") ? from.substring(0, from.length() - 2) : from),
                    spans.of(l.from));
            loop = new Loop(ident(l.var), lo, new Dim(whole(l.to.getText()), spans.of(l.to)), spans.of(l));
        }
        return new StepBinding(ident(ctx.name), ctx.step == null ? null : index(ctx.step), expr(ctx.value), loop,
                spans.of(ctx));
    }

    @Override
    public AstNode visitIndexed(NetParser.IndexedContext ctx) {
        return new Indexed(name(ctx.name), index(ctx.index()), spans.of(ctx));
    }

    private Index index(NetParser.IndexContext ctx) {
        if (ctx.var == null) {
            return new Index(null, 0, whole(ctx.value.getText()), spans.of(ctx));
        }
        long offset = ctx.offset == null ? 0 : whole(ctx.offset.getText());
        if (ctx.sign != null && ctx.sign.getType() == NetParser.MINUS) {
            offset = -offset;
        }
        return new Index(ident(ctx.var), offset, 0, spans.of(ctx));
    }

    /** A whole number as written; values too large for a long become {@link Long#MAX_VALUE}. */
    private static long whole(String digits) {
        BigInteger v = new BigInteger(digits);
        return v.compareTo(LONG_MAX) > 0 ? Long.MAX_VALUE : v.longValue();
    }

    @Override
    public AstNode visitTermExpr(NetParser.TermExprContext ctx) {
        return visit(ctx.term());
    }

    @Override
    public AstNode visitParens(NetParser.ParensContext ctx) {
        // Parentheses only group; the span of the inner expression stays what messages point at.
        return visit(ctx.inner);
    }

    @Override
    public AstNode visitNegate(NetParser.NegateContext ctx) {
        return new Unary(expr(ctx.operand), spans.of(ctx));
    }

    @Override
    public AstNode visitMulDiv(NetParser.MulDivContext ctx) {
        return binary(ctx.op, ctx.lhs, ctx.rhs, ctx);
    }

    @Override
    public AstNode visitAddSub(NetParser.AddSubContext ctx) {
        return binary(ctx.op, ctx.lhs, ctx.rhs, ctx);
    }

    @Override
    public AstNode visitJuxtapose(NetParser.JuxtaposeContext ctx) {
        return new Apply(name(ctx.fn), expr(ctx.arg), spans.of(ctx));
    }

    @Override
    public AstNode visitCall(NetParser.CallContext ctx) {
        return new Call(name(ctx.fn), arguments(ctx.args), spans.of(ctx));
    }

    @Override
    public AstNode visitName(NetParser.NameContext ctx) {
        return name(ctx.name);
    }

    @Override
    public AstNode visitNumber(NetParser.NumberContext ctx) {
        // Double.parseDouble reads every form the lexer accepts (1, 0.5, .5, 1., 1e-3); huge values become infinity.
        return new Number(Double.parseDouble(ctx.value.getText()), spans.of(ctx.value));
    }

    private Binary binary(Token op, NetParser.ExprContext lhs, NetParser.ExprContext rhs,
                          NetParser.ExprContext ctx) {
        Binary.Op o;
        switch (op.getType()) {
            case NetParser.PLUS:
                o = Binary.Op.ADD;
                break;
            case NetParser.MINUS:
                o = Binary.Op.SUB;
                break;
            case NetParser.STAR:
                o = Binary.Op.MUL;
                break;
            default:
                o = Binary.Op.DIV;
                break;
        }
        return new Binary(o, expr(lhs), expr(rhs), spans.of(op), spans.of(ctx));
    }

    private Expr expr(org.antlr.v4.runtime.ParserRuleContext ctx) {
        return (Expr) visit(ctx);
    }

    private List<Argument> arguments(List<NetParser.ArgumentContext> args) {
        List<Argument> out = new ArrayList<>(args.size());
        for (NetParser.ArgumentContext a : args) {
            out.add(new Argument(a.key == null ? null : ident(a.key), expr(a.value), spans.of(a)));
        }
        return out;
    }

    private ShapeSpec shape(NetParser.ShapeContext ctx) {
        List<Dim> dims = new ArrayList<>(ctx.dims.size());
        for (Token d : ctx.dims) {
            BigInteger v = new BigInteger(d.getText());
            dims.add(new Dim(v.compareTo(LONG_MAX) > 0 ? Long.MAX_VALUE : v.longValue(), spans.of(d)));
        }
        return new ShapeSpec(dims, spans.of(ctx));
    }

    private Ident ident(Token t) {
        return new Ident(t.getText(), spans.of(t));
    }

    private Name name(Token t) {
        return new Name(t.getText(), spans.of(t));
    }
}
