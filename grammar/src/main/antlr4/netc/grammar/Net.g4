/*
 * The .net model language: one network per file, described per sample as a lecture writes it.
 *
 *   network mnist_mlp
 *   input  x[784]
 *   target y : class[10]
 *   param  W1[512, 784] init he
 *   param  b1[512]
 *   p = softmax(W2 relu(W1 x + b1) + b2)
 *   loss = cross_entropy(p, y)
 *
 * Juxtaposition: `W x` applies W to x. It binds tighter than every operator and nests to the right, so
 * `W1 x + b1` is `(W1 x) + b1`, `W3 W2 x` is `W3 (W2 x)`, and `-W x` is `-(W x)`. `W(x)` parses as a call;
 * the front end reads a call whose callee is a matrix as the same application. Newlines are plain white space:
 * a statement ends where the next one (`name =` or a keyword) begins.
 */
grammar Net;

program
    : 'network' name=ID statement* EOF
    ;

statement
    : 'input' name=ID shape                                      # inputDecl
    | 'target' name=ID ':' kind=('class' | 'real') shape         # targetDecl
    | 'param' name=ID shape ('init' init)?                       # paramDecl
    | 'loss' '=' expr                                            # lossDecl
    | name=ID '=' expr                                           # binding
    ;

shape
    : '[' dims+=INT (',' dims+=INT)* ']'
    ;

init
    : kind=ID ('(' args+=signedNumber (',' args+=signedNumber)* ')')?
    ;

signedNumber
    : sign='-'? value=(INT | FLOAT)
    ;

expr
    : op='-' operand=expr                                        # negate
    | lhs=expr op=('*' | '/') rhs=expr                           # mulDiv
    | lhs=expr op=('+' | '-') rhs=expr                           # addSub
    | apply                                                      # applyExpr
    ;

apply
    : primary                                                    # primaryApply
    | fn=ID arg=apply                                            # juxtapose
    ;

primary
    : fn=ID '(' args+=argument (',' args+=argument)* ')'         # call
    | name=ID                                                    # name
    | value=(INT | FLOAT)                                        # number
    | '(' inner=expr ')'                                         # parens
    ;

argument
    : (key=ID '=')? value=expr
    ;

INT     : [0-9]+ ;
FLOAT   : [0-9]+ '.' [0-9]* EXPONENT? | '.' [0-9]+ EXPONENT? | [0-9]+ EXPONENT ;
fragment EXPONENT : [eE] [+-]? [0-9]+ ;
ID      : [A-Za-z_] [A-Za-z0-9_]* ;
COMMENT : ('#' | '//') ~[\r\n]* -> skip ;
WS      : [ \t\r\n]+ -> skip ;
// Anything else becomes one token the parser rejects, so the message points at the exact character.
ERROR_CHAR : . ;
