/*
 * The .net model language: one network per file, described per sample as a lecture writes it.
 *
 *   # the lecture's MNIST network
 *   network mnist_mlp
 *   input  x[784]
 *   target y : class[10]
 *   param  W1[512, 784] init he
 *   param  b1[512]
 *   p = softmax(W2 relu(W1 x + b1) + b2)
 *   loss = cross_entropy(p, y)
 *
 * Statements. A file is a list of statements; the front end checks that there is exactly one `network` header,
 * one `input`, one `loss`, at most one `target`. Newlines are plain white space: a statement ends where the next
 * one (a keyword, or `name =`) begins. `class`/`real` after `target y :` and the initialiser after `init` are
 * names the front end checks, so they are not reserved words.
 *
 * Precedence, tightest first:
 *   1. terms: `f(a, k=b)` (a call), `W x` (juxtaposition), a name, a number;
 *   2. `( expr )`;
 *   3. unary `-`;
 *   4. `*` `/` (left-associative);
 *   5. `+` `-` (left-associative).
 *
 * Juxtaposition: `W x` applies W to x (a matrix-vector product). It binds tighter than every operator and nests to
 * the right, so `W1 x + b1` is `(W1 x) + b1`, `W3 W2 x` is `W3 (W2 x)`, and `-W x` is `-(W x)`. Only a name can
 * stand on the left. The right-hand side is a term, never a bare parenthesis: `W (x + b)` and `W(x)` are calls,
 * which the front end reads as the same application when the callee is a matrix. So the lecture's composition
 * `softmax(W3(relu(W2(relu(W1(x) + b1)) + b2)) + b3)` means the same as `softmax(W3 relu(W2 relu(W1 x + b1) + b2) + b3)`.
 *
 * Recurrence: `h[0] = tanh(Wx xs[0] + bh)` defines step 0 of the state h; `h[t] = tanh(Wx xs[t] + Wh h[t-1] + bh)
 * for t in 1..27` defines steps 1 to 27, each from the one before; `xs[t]` is row t of an input declared `[28, 28]`.
 *
 * Numbers: `1`, `0.5`, `.5`, `1.`, `1e-3`, `2.5E+4`. Shapes take whole numbers only. Comments run from `#` or `//`
 * to the end of the line. Names are ASCII: [A-Za-z_][A-Za-z0-9_]*; any other character is an ERROR_CHAR token,
 * which no parser rule accepts, so the front end reports it at its exact column.
 */
grammar Net;

program
    : statement* EOF
    ;

statement
    : 'network' name=ID                                          # networkDecl
    | 'input' name=ID shape                                      # inputDecl
    | 'target' name=ID ':' kind=ID shape                         # targetDecl
    | 'param' name=ID shape ('init' init=initializer)?           # paramDecl
    | 'loss' '=' value=expr                                      # lossDecl
    | name=ID ('[' step=index ']')? '=' value=expr loop?         # binding
    ;

// `for t in 1..27`: the statement is repeated for t = 1, 2, ..., 27 (both ends included). `1..27` lexes as
// RANGE_FROM `1..` and INT `27`, because `1.` alone would be a FLOAT.
loop
    : 'for' var=ID 'in' (from=RANGE_FROM | from=INT '..') to=INT
    ;

// The index of a step: a number (`h[0]`, `xs[27]`) or the loop variable with an optional offset (`h[t-1]`).
index
    : var=ID (sign=('+' | '-') offset=INT)?
    | value=INT
    ;

shape
    : '[' dims+=INT (',' dims+=INT)* ']'
    ;

initializer
    : kind=ID ('(' (args+=argument (',' args+=argument)*)? ')')?
    ;

expr
    : term                                                       # termExpr
    | '(' inner=expr ')'                                         # parens
    | op='-' operand=expr                                        # negate
    | lhs=expr op=('*' | '/') rhs=expr                           # mulDiv
    | lhs=expr op=('+' | '-') rhs=expr                           # addSub
    ;

term
    : fn=ID arg=term                                             # juxtapose
    | fn=ID '(' (args+=argument (',' args+=argument)*)? ')'      # call
    | name=ID '[' index ']'                                      # indexed
    | name=ID                                                    # name
    | value=(INT | FLOAT)                                        # number
    ;

argument
    : (key=ID '=')? value=expr
    ;

// Keywords come before ID so that they are never lexed as names.
NETWORK : 'network' ;
INPUT   : 'input' ;
TARGET  : 'target' ;
PARAM   : 'param' ;
INIT    : 'init' ;
LOSS    : 'loss' ;
FOR     : 'for' ;
IN      : 'in' ;

LPAREN  : '(' ;
RPAREN  : ')' ;
LBRACK  : '[' ;
RBRACK  : ']' ;
COMMA   : ',' ;
COLON   : ':' ;
ASSIGN  : '=' ;
PLUS    : '+' ;
MINUS   : '-' ;
STAR    : '*' ;
SLASH   : '/' ;
DOTS    : '..' ;

INT     : [0-9]+ ;
RANGE_FROM : [0-9]+ '..' ;
FLOAT   : [0-9]+ '.' [0-9]* EXPONENT? | '.' [0-9]+ EXPONENT? | [0-9]+ EXPONENT ;
fragment EXPONENT : [eE] [+-]? [0-9]+ ;
ID      : [A-Za-z_] [A-Za-z0-9_]* ;
COMMENT : ('#' | '//') ~[\r\n]* -> skip ;
WS      : [ \t\r\n\f]+ -> skip ;
// Anything else becomes one token the parser rejects, so the message points at the exact character.
ERROR_CHAR : . ;
